import { hrtime } from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppendResult, EventStore } from '@ledger/event-store';
import { measure, type Measurement } from './harness';
import type { PlannedEvent } from './payment-events';

/**
 * Appends open at once in the open loop, at most: below the SDK client's 50 sockets, past which
 * requests queue for a socket and fail on its 1 s connection timeout. Reaching it means the engine
 * does not keep up with the rate; the schedule then slips, which the result reports.
 */
const MAX_OUTSTANDING = 40;

/**
 * Appends planned payment events, one event per append (as the command handler appends them),
 * each only after the previous version of its stream was written, so the expected version always
 * holds. It passes the head it learnt from that previous append, as the command handler passes
 * the head it read: every append is then a single conditional PutItem, and the load generator
 * takes as little of the engine as it can from the consumer being measured.
 */
class StreamAppender {
  private readonly tails = new Map<string, Promise<AppendResult | undefined>>();

  constructor(private readonly store: EventStore) {}

  append(planned: PlannedEvent): Promise<AppendResult> {
    const previous = this.tails.get(planned.streamId) ?? Promise.resolve(undefined);
    const appended = previous.then((before) =>
      this.store.append(
        planned.streamId,
        planned.version - 1,
        [planned.event],
        before === undefined
          ? {}
          : { head: { version: before.toVersion, recordedAt: before.recordedAt } },
      ),
    );
    this.tails.set(planned.streamId, appended);
    return appended;
  }
}

/** Closed loop: `inFlight` appenders pulling the planned events in order, as fast as they go. */
export function appendAsFastAsPossible(
  store: EventStore,
  planned: readonly PlannedEvent[],
  inFlight: number,
  onAppended?: (planned: PlannedEvent, result: AppendResult, appendedAtNs: bigint) => void,
): Promise<Measurement> {
  const appender = new StreamAppender(store);
  return measure({
    name: 'append planned payment events',
    inFlight,
    total: planned.length,
    op: async (i) => {
      const result = await appender.append(planned[i]);
      onAppended?.(planned[i], result, hrtime.bigint());
    },
  });
}

export interface SteadyLoadResult {
  appended: number;
  /** From the first append's start to the last one's answer. */
  elapsedMs: number;
  /** Appends started per second (below the rate asked for when the schedule slipped). */
  achievedRate: number;
  /** How late an append was started against its schedule, at worst. */
  maxStartDelayMs: number;
  /** Times the open loop had MAX_OUTSTANDING appends unanswered and had to wait: overload. */
  stalls: number;
}

/**
 * Open loop: starts append i at `i / ratePerSecond` seconds, whether or not earlier appends have
 * answered (like independent callers), and calls `onAppended` as each one resolves, with the
 * time it resolved. Resolves once every append has answered; the first failure rejects.
 */
export async function appendAtSteadyRate(
  store: EventStore,
  planned: readonly PlannedEvent[],
  ratePerSecond: number,
  onAppended: (
    index: number,
    planned: PlannedEvent,
    result: AppendResult,
    appendedAtNs: bigint,
  ) => void,
): Promise<SteadyLoadResult> {
  const appender = new StreamAppender(store);
  const intervalNs = BigInt(Math.round(1e9 / ratePerSecond));
  const started = hrtime.bigint();
  const all: Promise<void>[] = [];
  const outstanding = new Set<Promise<void>>();
  let maxStartDelayMs = 0;
  let stalls = 0;
  for (let i = 0; i < planned.length; i++) {
    const due = started + BigInt(i) * intervalNs;
    const waitMs = Number(due - hrtime.bigint()) / 1e6;
    if (waitMs > 0.5) await sleep(waitMs);
    if (outstanding.size >= MAX_OUTSTANDING) {
      stalls++;
      await Promise.race(outstanding);
    }
    maxStartDelayMs = Math.max(maxStartDelayMs, Number(hrtime.bigint() - due) / 1e6);
    const item = planned[i];
    const appended: Promise<void> = appender.append(item).then(
      (result) => {
        outstanding.delete(appended);
        onAppended(i, item, result, hrtime.bigint());
      },
      (error: unknown) => {
        outstanding.delete(appended);
        throw error;
      },
    );
    // Observed at once so a failure is not an unhandled rejection while later appends start;
    // Promise.all below still rejects with it.
    appended.catch(() => undefined);
    outstanding.add(appended);
    all.push(appended);
  }
  const lastStarted = hrtime.bigint();
  await Promise.all(all);
  const elapsedMs = Number(hrtime.bigint() - started) / 1e6;
  const startSpanMs = Number(lastStarted - started) / 1e6;
  return {
    appended: planned.length,
    elapsedMs,
    achievedRate: planned.length > 1 ? ((planned.length - 1) * 1000) / startSpanMs : ratePerSecond,
    maxStartDelayMs,
    stalls,
  };
}

/** Nanoseconds between two hrtime readings, in milliseconds. */
export function msBetween(fromNs: bigint, toNs: bigint): number {
  return Number(toNs - fromNs) / 1e6;
}
