import { setTimeout as sleep } from 'node:timers/promises';
import { signFor } from '@ledger/webhooks';
import { ExponentialBackoff, handleWhenResult, noJitterGenerator, retry } from 'cockatiel';
import type { WebhookPlan } from './faults';
import type { SandboxWebhookOptions, SandboxWebhookRetryOptions } from './sandbox-gateway.types';

/** The webhook event types the sandbox sends. */
export type WebhookEventType = 'payment.completed' | 'payment.failed' | 'refund.created';

/** What the sender needs of any event it delivers: its id (the delivery id) and type. */
export interface OutgoingEvent {
  id: string;
  type: string;
}

/** One webhook event of the sandbox's own API, as serialised into the delivery body. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  /** Unix seconds. */
  created: number;
  data: Record<string, unknown>;
}

export const DEFAULT_WEBHOOK_RETRY: Readonly<SandboxWebhookRetryOptions> = {
  attempts: 5,
  initialDelayMs: 200,
  timeoutMs: 5_000,
};

export interface WebhookSenderOptions extends SandboxWebhookOptions {
  retry: SandboxWebhookRetryOptions;
  onDelivered: () => void;
  onFailedAttempt: () => void;
  log: (msg: string, fields?: object) => void;
}

/** How one attempt went; only a failed one is retried. */
type AttemptEnd = 'delivered' | 'failed' | 'stopped';

/** A signed delivery: the exact bytes and headers of its first attempt. */
interface SignedMessage {
  eventId: string;
  type: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * Delivers signed webhooks in the background with retries. Nothing here may throw into a request
 * or keep the server from stopping: every failure is counted and logged, never raised.
 */
export class WebhookSender {
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: WebhookSenderOptions) {}

  /**
   * Starts delivering `event` as `plan` says. Resolves when the HTTP answer may go out: once the
   * first attempt has finished for an early webhook, at once otherwise.
   */
  dispatch(event: OutgoingEvent, plan: WebhookPlan): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    const body = JSON.stringify(event);
    const message: SignedMessage = {
      eventId: event.id,
      type: event.type,
      body,
      headers: this.sign(body, event.id),
    };
    if (!plan.early) {
      this.track(async () => {
        await sleep(plan.delayMs, undefined, { signal: this.stopping.signal });
        await this.deliver(message);
        if (plan.duplicate) await this.deliver(message);
      });
      return Promise.resolve();
    }
    return new Promise<void>((firstAttemptDone) => {
      this.track(async () => {
        try {
          await this.deliver(message, firstAttemptDone);
        } finally {
          firstAttemptDone();
        }
        if (plan.duplicate) {
          await sleep(plan.delayMs, undefined, { signal: this.stopping.signal });
          await this.deliver(message);
        }
      });
    });
  }

  /** Cancels waiting and in-flight deliveries and waits for them to wind down. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private sign(body: string, eventId: string): Record<string, string> {
    return signFor(this.options.scheme ?? 'standard-webhooks', this.options.secret, body, {
      id: eventId,
    });
  }

  private track(work: () => Promise<void>): void {
    const running = work().catch((error: unknown) => {
      // Stopping interrupts the waits; anything else is a sandbox bug worth seeing, not a crash.
      if (!this.stopping.signal.aborted) {
        this.options.log('webhook delivery crashed', { error: describe(error) });
      }
    });
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
  }

  /** Attempts with doubling waits until a 2xx, the attempts run out, or the sender stops. */
  private async deliver(message: SignedMessage, afterFirstAttempt?: () => void): Promise<void> {
    const { attempts, initialDelayMs } = this.options.retry;
    const policy = retry(
      handleWhenResult((end) => end === 'failed'),
      {
        maxAttempts: attempts - 1,
        backoff: new ExponentialBackoff({
          generator: noJitterGenerator,
          initialDelay: initialDelayMs,
          maxDelay: Number.POSITIVE_INFINITY,
        }),
      },
    ).dangerouslyUnref();
    const run = policy.execute(async ({ attempt: retries }): Promise<AttemptEnd> => {
      if (this.stopping.signal.aborted) return 'stopped';
      const attempt = retries + 1;
      // The first attempt keeps the original signature, so a duplicate is byte-identical; retries
      // are signed afresh, as real senders do, so they stay within the receiver's tolerance.
      const headers = attempt === 1 ? message.headers : this.sign(message.body, message.eventId);
      const delivered = await this.attempt(message, headers, attempt);
      if (attempt === 1) afterFirstAttempt?.();
      if (this.stopping.signal.aborted) return 'stopped';
      if (delivered) {
        this.options.onDelivered();
        return 'delivered';
      }
      this.options.onFailedAttempt();
      return 'failed';
    }, this.stopping.signal);
    if ((await this.untilStopped(run)) === 'failed') {
      this.options.log('webhook abandoned', { eventId: message.eventId, attempts });
    }
  }

  /** `work`'s end, or `stopped` as soon as the sender stops: cockatiel's backoff wait cannot be cut short. */
  private untilStopped(work: Promise<AttemptEnd>): Promise<AttemptEnd> {
    const signal = this.stopping.signal;
    return new Promise<AttemptEnd>((resolve, reject) => {
      const onStop = (): void => resolve('stopped');
      signal.addEventListener('abort', onStop, { once: true });
      void work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onStop));
    });
  }

  private async attempt(
    message: SignedMessage,
    headers: Record<string, string>,
    attempt: number,
  ): Promise<boolean> {
    const fields = { eventId: message.eventId, type: message.type, attempt };
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: message.body,
        signal: AbortSignal.any([
          this.stopping.signal,
          AbortSignal.timeout(this.options.retry.timeoutMs),
        ]),
      });
      // Drain the answer so the connection can be reused.
      await response.arrayBuffer();
      if (response.ok) {
        this.options.log('webhook delivered', { ...fields, status: response.status });
        return true;
      }
      this.options.log('webhook rejected', { ...fields, status: response.status });
      return false;
    } catch (error) {
      this.options.log('webhook attempt failed', { ...fields, error: describe(error) });
      return false;
    }
  }
}

/** fetch hides the reason (refused, reset, timeout) in `cause`; the log needs it. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
