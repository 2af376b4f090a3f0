import type {
  DynamoDBStreamsClient,
  GetRecordsCommandOutput,
} from '@aws-sdk/client-dynamodb-streams';
import type { LedgerStorage } from '@ledger/event-store/aws';
import type { StreamConsumer } from '@ledger/stream-consumer';
import {
  createDynamoDbStreamsClient,
  streamConsumerAdapters,
  type StreamPoller,
} from '@ledger/stream-consumer/aws';
import { median, type Measurement } from './harness';
import type { BenchContext, ResultRow } from './scenario';

export interface RunningPoller {
  poller: StreamPoller;
  /** Records the consumer could not handle and set aside, since the start. */
  parked(): number;
  /** Poll failures the poller logged (it retries after each). */
  pollFailures(): number;
  /** GetRecords calls since the start, and those that returned nothing (then it sleeps). */
  getRecords(): { calls: number; empty: number };
  /** Resolves once `reads` GetRecords in a row came back empty: the consumer is at the head. */
  idle(reads: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local driver (StreamPoller, default idle delay of 100 ms and batches of up to 1,000 records)
 * running `consumer` on the storage's events stream, with checkpoints and parked records in its
 * meta table, as `ledger start` runs it.
 */
export async function startPoller(
  context: BenchContext,
  storage: LedgerStorage,
  consumer: StreamConsumer,
): Promise<RunningPoller> {
  const streams: DynamoDBStreamsClient = createDynamoDbStreamsClient(context.engineEndpoint);
  let parked = 0;
  let pollFailures = 0;
  const reads = { calls: 0, empty: 0 };
  let emptyInARow = 0;
  // Counts what the poller's reads return, to show how often it goes idle.
  streams.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      const result = await next(args);
      if (handlerContext.commandName === 'GetRecordsCommand') {
        reads.calls++;
        if (((result.output as GetRecordsCommandOutput).Records ?? []).length === 0) {
          reads.empty++;
          emptyInARow++;
        } else {
          emptyInARow = 0;
        }
      }
      return result;
    },
    { step: 'initialize', name: 'benchCountGetRecords' },
  );
  const poller = streamConsumerAdapters(storage).poller({
    consumer,
    streams,
    processor: { onParked: () => void parked++ },
    log: (message, fields) => {
      pollFailures++;
      context.log(`  WARN poller ${consumer.name}: ${message} ${JSON.stringify(fields ?? {})}`);
    },
  });
  try {
    await poller.start();
  } catch (error) {
    streams.destroy();
    throw error;
  }
  return {
    poller,
    parked: () => parked,
    pollFailures: () => pollFailures,
    getRecords: () => ({ ...reads }),
    idle: (count, timeoutMs) =>
      waitUntil(() => emptyInARow >= count, timeoutMs, `${consumer.name}'s poller to go idle`, 20),
    stop: async () => {
      try {
        await poller.stop();
      } finally {
        streams.destroy();
      }
    },
  };
}

/** What skipping a stream's backlog took. */
export interface SkippedBacklog {
  records: number;
  elapsedMs: number;
}

/**
 * Moves `consumerName`'s checkpoints to the head of the events stream without handling anything:
 * the local poller runs a do-nothing consumer of that name until its reads come back empty three
 * times in a row. The consumer then starts on what is appended next, not on earlier scenarios'
 * events (like a consumer deployed with no interest in history).
 */
export async function skipBacklog(
  context: BenchContext,
  storage: LedgerStorage,
  consumerName: string,
): Promise<SkippedBacklog> {
  let records = 0;
  const started = Date.now();
  const poller = await startPoller(context, storage, {
    name: consumerName,
    handle: () => {
      records++;
      return Promise.resolve();
    },
  });
  try {
    await poller.idle(3, 300_000);
  } finally {
    await poller.stop();
  }
  return { records, elapsedMs: Date.now() - started };
}

/** Why these scenarios use the runner's tables, and what skipping the backlog took. */
export function runnerTablesNote(consumerName: string, skipped: SkippedBacklog): string {
  return (
    "The runner's tables (its events table's stream included): DynamoDB Local makes appends to " +
    'a stream-enabled table created late in a run very slow (seen while writing this bench: ' +
    '20-60 appends/s into a table created after 20-60k stream records elsewhere, against ' +
    '500-800/s into the long-written one), so per-scenario tables would measure that. The ' +
    `${consumerName}'s checkpoints were first moved to the stream's head by the same poller ` +
    `running a do-nothing '${consumerName}' until idle: ${skipped.records} earlier records ` +
    `skipped in ${(skipped.elapsedMs / 1000).toFixed(1)} s; the measured consumer reads only ` +
    'what this scenario appends.'
  );
}

/** The median of several rounds of one measurement, as a results-table line. */
export function medianRow(
  scenario: string,
  label: string,
  inFlight: number,
  opsPerRound: number,
  rounds: readonly Pick<Measurement, 'opsPerSec' | 'p50Ms' | 'p99Ms'>[],
): ResultRow {
  return {
    scenario,
    label,
    inFlight,
    opsPerRound,
    opsPerSec: median(rounds.map((r) => r.opsPerSec)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    roundsOpsPerSec: rounds.map((r) => Math.round(r.opsPerSec)),
  };
}

/** Resolves once `done()` holds; rejects after `timeoutMs` with `what` in the message. */
export async function waitUntil(
  done: () => boolean,
  timeoutMs: number,
  what: string,
  pollMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * What the local poller's pacing did to a latency measured at a steady rate, from how many of its
 * GetRecords calls came back empty (a pass over the shards starts at most every `pollIntervalMs`,
 * 100 ms, unless the last one read a full batch).
 */
export function idleSleepNote(reads: { calls: number; empty: number }, extras: string): string {
  const share = reads.calls === 0 ? 0 : reads.empty / reads.calls;
  const base =
    'The local poller starts a read of the stream at most every 100 ms (pollIntervalMs ' +
    'default) unless the last one read a full batch; an event appended just after a read waits ' +
    `for the next, up to 100 ms, on top of ${extras}. While the appends ran it made ` +
    `${reads.calls} GetRecords calls, ${reads.empty} of them empty ` +
    `(${(share * 100).toFixed(0)}%): `;
  return share >= 0.5
    ? `${base}mostly idle, so that wait dominates the latency measured here.`
    : `${base}mostly busy (each read found records that arrived during the previous cycle), so ` +
        'here the cycle (GetRecords, handling, checkpoint) set the latency as much as the wait; ' +
        'at lower rates or on a faster engine the poller idles and the 100 ms wait dominates.';
}
