import type { BusEnvelope } from '@ledger/bus';
import {
  ExponentialBackoff,
  handleWhen,
  noJitterGenerator,
  retry,
  type IExponentialBackoffOptions,
} from 'cockatiel';
import type { BusTarget } from './local-bus.types';

/** How one delivery to one target ended. */
export type DeliveryEnd = 'delivered' | 'dropped' | 'stopped';

/** A rule target's retry policy, as an EventBridge rule's `RetryPolicy` says it. */
export interface TargetRetryPolicy {
  /** At most this many attempts per event and target... */
  attempts: number;
  /** ...and no new attempt once the event is older than this. */
  maxEventAgeMs: number;
  /** Backoff between attempts: doubles from `initialMs` up to `maxMs`, without jitter. */
  retryDelay: { initialMs: number; maxMs: number };
}

export interface TargetDeliveryOptions extends TargetRetryPolicy {
  /** Aborted when the bus stops: a delivery waiting for its next attempt ends `stopped` at once. */
  stopping: AbortSignal;
  onDelivered: (target: BusTarget) => void;
  onFailedAttempt: (target: BusTarget) => void;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Delivers events to targets with the rule's retry policy (cockatiel's retry with an exponential
 * backoff), never throwing: the answer says whether the target had the event, the policy gave up
 * on it, or the bus stopped first. `acceptedAt` is when the bus accepted the event, which the
 * maximum event age counts from.
 */
export function targetDelivery(
  options: TargetDeliveryOptions,
): (target: BusTarget, event: BusEnvelope, acceptedAt: number) => Promise<DeliveryEnd> {
  const { attempts, maxEventAgeMs, stopping, log } = options;
  const backoffOptions: IExponentialBackoffOptions<number> = {
    generator: noJitterGenerator,
    initialDelay: options.retryDelay.initialMs,
    maxDelay: options.retryDelay.maxMs,
    exponent: 2,
  };
  // The wait before attempt `failures + 1`, as the backoff below will choose it.
  const delayAfter = (failures: number): number =>
    noJitterGenerator(failures - 1, backoffOptions)[0];

  return (target, event, acceptedAt) =>
    new Promise<DeliveryEnd>((resolve) => {
      let failures = 0;
      let retryAgain = false;
      let gaveUp = false;
      let waiting = false;
      // cockatiel's backoff wait cannot be cut short; a stop ends the delivery without it, and the
      // attempt that wait leads to sees the stop and never reaches the target.
      const onStop = (): void => {
        if (waiting) resolve('stopped');
      };
      stopping.addEventListener('abort', onStop, { once: true });
      const policy = retry(
        handleWhen(() => retryAgain),
        {
          maxAttempts: attempts - 1,
          backoff: new ExponentialBackoff(backoffOptions),
        },
      ).dangerouslyUnref();
      void policy
        .execute(async ({ attempt }) => {
          waiting = false;
          retryAgain = false;
          if (stopping.aborted) throw new Error('the bus stopped');
          try {
            await target.handle(event);
          } catch (error) {
            failures = attempt + 1;
            options.onFailedAttempt(target);
            const giveUp =
              failures >= attempts ||
              Date.now() + delayAfter(failures) - acceptedAt > maxEventAgeMs;
            log(
              giveUp ? 'event dropped after repeated target failures' : 'target failed; retrying',
              {
                target: target.name,
                eventId: event.id,
                attempt: failures,
                error: error instanceof Error ? error.message : String(error),
              },
            );
            gaveUp = giveUp;
            retryAgain = !giveUp && !stopping.aborted;
            waiting = retryAgain;
            throw error;
          }
        })
        .then(
          () => {
            options.onDelivered(target);
            resolve('delivered');
          },
          () => resolve(gaveUp || !stopping.aborted ? 'dropped' : 'stopped'),
        )
        .finally(() => stopping.removeEventListener('abort', onStop));
    });
}
