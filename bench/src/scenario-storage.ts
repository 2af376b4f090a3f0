import type {
  DynamoDBStreamsClient,
  GetRecordsCommandOutput,
} from '@aws-sdk/client-dynamodb-streams';
import { createLedgerStorage, tableDefinitions, type LedgerStorage } from '@ledger/event-store';
import { ensureTables } from '@ledger/local-engine';
import {
  DynamoDbCheckpointStore,
  DynamoDbParkingLot,
  StreamPoller,
  createDynamoDbStreamsClient,
  type StreamConsumer,
} from '@ledger/stream-consumer';
import { median, type Measurement } from './harness';
import type { BenchContext, ResultRow } from './scenario';

/**
 * Ledger tables of the scenario's own, under `prefix` on the bench's engine: their events
 * table's stream holds only what the scenario appends, so a stream consumer started on it reads
 * no backlog from earlier scenarios. `close` releases the client; the tables stay (in memory).
 */
export async function scenarioStorage(
  context: BenchContext,
  prefix: string,
): Promise<LedgerStorage & { close(): void }> {
  const storage = createLedgerStorage({ endpoint: context.engineEndpoint, tablePrefix: prefix });
  try {
    await ensureTables(storage.dynamoDb, tableDefinitions(storage.tables));
  } catch (error) {
    storage.dynamoDb.destroy();
    throw error;
  }
  return { ...storage, close: () => storage.dynamoDb.destroy() };
}

export interface RunningPoller {
  poller: StreamPoller;
  /** Records the consumer could not handle and set aside, since the start. */
  parked(): number;
  /** Poll failures the poller logged (it retries after each). */
  pollFailures(): number;
  /** GetRecords calls since the start, and those that returned nothing (then it sleeps). */
  getRecords(): { calls: number; empty: number };
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
  // Counts what the poller's reads return, to show how often it goes idle.
  streams.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      const result = await next(args);
      if (handlerContext.commandName === 'GetRecordsCommand') {
        reads.calls++;
        if (((result.output as GetRecordsCommandOutput).Records ?? []).length === 0) reads.empty++;
      }
      return result;
    },
    { step: 'initialize', name: 'benchCountGetRecords' },
  );
  const poller = new StreamPoller({
    consumer,
    dynamoDb: storage.dynamoDb,
    streams,
    eventsTable: storage.tables.events,
    checkpoints: new DynamoDbCheckpointStore(storage.dynamoDb, storage.tables.meta),
    parkingLot: new DynamoDbParkingLot(storage.dynamoDb, storage.tables.meta),
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
    stop: async () => {
      try {
        await poller.stop();
      } finally {
        streams.destroy();
      }
    },
  };
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
 * What the local poller's idle sleep did to a latency measured at a steady rate, from how many
 * of its GetRecords calls came back empty (each one is followed by `idleDelayMs`, 100 ms).
 */
export function idleSleepNote(reads: { calls: number; empty: number }, extras: string): string {
  const share = reads.calls === 0 ? 0 : reads.empty / reads.calls;
  const base =
    'The local poller sleeps 100 ms after every empty GetRecords (idleDelayMs default); an ' +
    'event appended during that sleep waits for the rest of it, up to 100 ms, on top of ' +
    `${extras}. While the appends ran it made ${reads.calls} GetRecords calls, ${reads.empty} ` +
    `of them empty (${(share * 100).toFixed(0)}%): `;
  return share >= 0.5
    ? `${base}mostly idle, so that sleep dominates the latency measured here.`
    : `${base}mostly busy (each read found records that arrived during the previous cycle), so ` +
        'here the cycle (GetRecords, handling, checkpoint) set the latency more than the sleep; ' +
        'at lower rates or on a faster engine the poller idles and the 100 ms sleep dominates.';
}
