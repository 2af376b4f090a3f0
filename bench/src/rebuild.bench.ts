import {
  QueryCommand,
  type AttributeValue,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { DEFAULT_TIME_INDEX_SHARDS, dayOf, timeIndexPartition } from '@ledger/event-store';
import {
  TIME_INDEX_NAME,
  batchGetInOrder,
  documentClientFor,
  type LedgerStorage,
} from '@ledger/event-store/aws';
import { projectionAdapters } from '@ledger/projections/aws';
import { paymentViewRebuild, runRebuild, verifyReadModel, type ReplayJob } from '@ledger/replay';
import { replayAdapters } from '@ledger/replay/aws';
import { hrtime } from 'node:process';
import {
  EVENTS_PER_PAYMENT,
  paymentLifecycle,
  benchPaymentId,
  BENCH_TENANT,
  runTag,
} from './payment-events';
import { check, type BenchContext, type ResultRow, type Scenario } from './scenario';
import { paymentStreamId } from '@ledger/ledger';

const NAME = 'rebuild';
const TARGET_RATIO = 0.5;
const FULL_EVENTS = 100_000;

const seconds = (start: bigint): number => Number(hrtime.bigint() - start) / 1e9;

/**
 * Rebuild throughput: a blue/green rebuild of the payments read model from the runner's events
 * table after appending 100,000 payment events to it (`--quick`: 10,000), writes included, next
 * to a raw read of the same events from the same engine in the same run (paged Queries of every
 * time-index partition and BatchGetItem of each page's events, nothing decoded).
 */
export const rebuildScenario: Scenario = {
  name: NAME,
  summary: 'blue/green rebuild of the read model vs a raw read of the same events',
  async run(context: BenchContext) {
    // The runner's tables, long written: DynamoDB Local appends into a stream-enabled table made
    // late in a run very slowly (see runnerTablesNote), and 100,000 events are 20,000 appends.
    const storage = context.storage;
    const appended = context.quick ? FULL_EVENTS / 10 : FULL_EVENTS;
    const payments = appended / EVENTS_PER_PAYMENT;
    const tag = runTag();
    context.log(
      `  appending ${appended.toLocaleString('en-US')} events (${payments} payments, one ` +
        'append of 5 events each, 16 in flight)...',
    );
    const writeStart = hrtime.bigint();
    let next = 0;
    const now = new Date();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < payments) {
          const paymentId = benchPaymentId(`rb${tag}_`, next++);
          await storage.eventStore.append(
            paymentStreamId(BENCH_TENANT, paymentId),
            0,
            paymentLifecycle(BENCH_TENANT, paymentId, now),
          );
        }
      }),
    );
    context.log(`  appended in ${seconds(writeStart).toFixed(1)} s`);

    const rawStart = hrtime.bigint();
    const rawCount = await rawRead(storage);
    const rawSeconds = seconds(rawStart);
    context.log(
      `  raw read: ${rawCount.toLocaleString('en-US')} events in ${rawSeconds.toFixed(1)} s`,
    );

    const { jobs } = replayAdapters(storage);
    const projections = projectionAdapters(storage);
    const documentsOf = projections.documentsOf;
    const stamp = new Date().toISOString();
    const job: ReplayJob = {
      replayId: `bench-${tag}`,
      kind: 'rebuild',
      scope: {},
      status: 'running',
      dryRun: false,
      mode: 'blue-green',
      generation: `gbench${tag}`,
      processed: 0,
      startedAt: stamp,
      updatedAt: stamp,
    };
    await jobs.create(job);
    const rebuildStart = hrtime.bigint();
    const finished = await runRebuild(
      {
        store: storage.eventStore,
        jobs,
        projection: paymentViewRebuild(projections.generations({ cacheMs: 0 }), documentsOf),
      },
      job,
      { verify: false },
    );
    const rebuildSeconds = seconds(rebuildStart);
    context.log(
      `  rebuild: ${finished.processed.toLocaleString('en-US')} events in ` +
        `${rebuildSeconds.toFixed(1)} s`,
    );
    const verifyStart = hrtime.bigint();
    const verified = await verifyReadModel(storage.eventStore, documentsOf(job.generation!));
    const verifySeconds = seconds(verifyStart);
    if (
      finished.status !== 'completed' ||
      !verified.identical ||
      rawCount !== finished.processed ||
      rawCount < appended
    ) {
      throw new Error(
        `rebuild ${finished.status} (${finished.processed} events), verified ` +
          `${verified.identical}, raw read ${rawCount} events, appended ${appended}`,
      );
    }

    const rawRate = rawCount / rawSeconds;
    const rebuildRate = finished.processed / rebuildSeconds;
    const row = (label: string, total: number, elapsed: number, inFlight: number): ResultRow => ({
      scenario: NAME,
      label,
      inFlight,
      opsPerRound: total,
      opsPerSec: total / elapsed,
      p50Ms: 0,
      p99Ms: 0,
      roundsOpsPerSec: [Math.round(total / elapsed)],
    });
    return {
      rows: [
        row('raw read (events)', rawCount, rawSeconds, DEFAULT_TIME_INDEX_SHARDS),
        row('rebuild (events)', finished.processed, rebuildSeconds, DEFAULT_TIME_INDEX_SHARDS),
        row('verify (events)', verified.events, verifySeconds, DEFAULT_TIME_INDEX_SHARDS),
      ],
      checks: [check('ratio rebuild / raw read', rebuildRate / rawRate, TARGET_RATIO)],
      notes: [
        `${appended.toLocaleString('en-US')} events appended (${payments} payments of ` +
          `${EVENTS_PER_PAYMENT}) to the runner's events table, which also holds the earlier ` +
          `scenarios' events: ${rawCount.toLocaleString('en-US')} in all, every one read by ` +
          'both sides. One round each (a rebuild of this size is minutes of work on a slow engine).',
        'Raw read: paged Queries (250 keys) of every time-index partition (8 shards per day), ' +
          'all partitions in parallel, each reading one page ahead, and BatchGetItem of each ' +
          "page's events (the index holds keys only); items counted, not decoded.",
        'Rebuild: blue/green into a new generation; bulk phase with one reader per shard in ' +
          "parallel, each decoding and folding chunks of 500 events with the projection's " +
          'evolve and writing the changed documents with BatchWriteItem (25 a request), a ' +
          'checkpoint per shard and chunk; then the catch-up of payments changed since the start ' +
          '(none here); verification timed separately (and passed).',
        `Payment documents written: ${verified.payments.toLocaleString('en-US')}.`,
        'Rows show events/s; latency columns do not apply.',
      ],
      details: {
        appended,
        events: rawCount,
        payments,
        documents: verified.payments,
        rawSeconds,
        rebuildSeconds,
        verifySeconds,
      },
    };
  },
};

/**
 * Every time-index partition of every day since this process started, paged, one page ahead,
 * all in parallel; each page's events fetched from the table (the index holds keys only);
 * items counted, not decoded. Returns the count.
 */
async function rawRead(storage: LedgerStorage): Promise<number> {
  const startedAt = Date.now() - process.uptime() * 1000;
  const days: string[] = [];
  for (
    let day = startedAt;
    dayOf(new Date(day).toISOString()) <= dayOf(new Date().toISOString());
    day += 86_400_000
  ) {
    days.push(dayOf(new Date(day).toISOString()));
  }
  const partitions = days.flatMap((day) =>
    Array.from({ length: DEFAULT_TIME_INDEX_SHARDS }, (_, shard) => timeIndexPartition(day, shard)),
  );
  const documents = documentClientFor(storage.dynamoDb);
  const query = (partition: string, startKey?: Record<string, AttributeValue>) =>
    storage.dynamoDb.send(
      new QueryCommand({
        TableName: storage.tables.events,
        IndexName: TIME_INDEX_NAME,
        KeyConditionExpression: 'tix = :p',
        ExpressionAttributeValues: { ':p': { S: partition } },
        Limit: 250,
        ExclusiveStartKey: startKey,
      }),
    );
  const counts = await Promise.all(
    partitions.map(async (partition) => {
      let count = 0;
      let page: Promise<QueryCommandOutput> | undefined = query(partition);
      while (page !== undefined) {
        const output: QueryCommandOutput = await page;
        page =
          output.LastEvaluatedKey === undefined
            ? undefined
            : query(partition, output.LastEvaluatedKey);
        const keys = (output.Items ?? []).map((item) => ({ pk: item.pk.S, sk: Number(item.sk.N) }));
        const events = await batchGetInOrder(documents, storage.tables.events, keys);
        count += events.filter((event) => event !== undefined).length;
      }
      return count;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}
