import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { TIME_INDEX_NAME, TIME_INDEX_SHARDS, dayOf, timeIndexPartition } from '@ledger/event-store';
import { DynamoDbPaymentDocuments, DynamoDbReadModelGenerations } from '@ledger/projections';
import { DynamoDbReplayJobs, runRebuild, verifyReadModel, type ReplayJob } from '@ledger/replay';
import { hrtime } from 'node:process';
import {
  EVENTS_PER_PAYMENT,
  paymentLifecycle,
  benchPaymentId,
  BENCH_TENANT,
  runTag,
} from './payment-events';
import { check, type BenchContext, type ResultRow, type Scenario } from './scenario';
import { scenarioStorage } from './scenario-storage';
import { paymentStreamId } from '@ledger/ledger';

const NAME = 'rebuild';
const TARGET_RATIO = 0.5;
const FULL_EVENTS = 100_000;

const seconds = (start: bigint): number => Number(hrtime.bigint() - start) / 1e9;

/**
 * Rebuild throughput: a blue/green rebuild of the payments read model from 100,000 events
 * (`--quick`: 10,000), writes included, next to a raw read of the same events from the same engine
 * in the same run (paged Queries of every time-index partition, nothing decoded).
 */
export const rebuildScenario: Scenario = {
  name: NAME,
  summary: 'blue/green rebuild of the read model vs a raw read of the same events',
  async run(context: BenchContext) {
    const storage = await scenarioStorage(context, `bench-rebuild-${runTag()}-`);
    try {
      const events = context.quick ? FULL_EVENTS / 10 : FULL_EVENTS;
      const payments = events / EVENTS_PER_PAYMENT;
      context.log(
        `  writing ${events.toLocaleString('en-US')} events (${payments} payments, one transaction each)...`,
      );
      const writeStart = hrtime.bigint();
      let next = 0;
      const now = new Date();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < payments) {
            const paymentId = benchPaymentId('rb_', next++);
            await storage.eventStore.append(
              paymentStreamId(BENCH_TENANT, paymentId),
              0,
              paymentLifecycle(BENCH_TENANT, paymentId, now),
            );
          }
        }),
      );
      context.log(`  written in ${seconds(writeStart).toFixed(1)} s`);

      // Raw read: every day bucket and shard of the time index, paged, items only counted.
      const rawStart = hrtime.bigint();
      let rawCount = 0;
      const partitions = Array.from({ length: TIME_INDEX_SHARDS }, (_, shard) =>
        timeIndexPartition(dayOf(now.toISOString()), shard),
      );
      await Promise.all(
        partitions.map(async (partition) => {
          let startKey: Record<string, AttributeValue> | undefined;
          do {
            const page = await storage.dynamoDb.send(
              new QueryCommand({
                TableName: storage.tables.events,
                IndexName: TIME_INDEX_NAME,
                KeyConditionExpression: 'tix = :p',
                ExpressionAttributeValues: { ':p': { S: partition } },
                Limit: 250,
                ExclusiveStartKey: startKey,
              }),
            );
            rawCount += page.Items?.length ?? 0;
            startKey = page.LastEvaluatedKey;
          } while (startKey !== undefined);
        }),
      );
      const rawSeconds = seconds(rawStart);

      const jobs = new DynamoDbReplayJobs(storage.dynamoDb, storage.tables.meta);
      const documentsOf = (generation: string) =>
        new DynamoDbPaymentDocuments(storage.dynamoDb, storage.tables.readModels, generation);
      const stamp = new Date().toISOString();
      const job: ReplayJob = {
        replayId: `bench-${runTag()}`,
        kind: 'rebuild',
        scope: {},
        status: 'running',
        dryRun: false,
        mode: 'blue-green',
        generation: `gbench${runTag()}`,
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
          generations: new DynamoDbReadModelGenerations(storage.dynamoDb, storage.tables.meta, 0),
          documentsOf,
        },
        job,
        { settleMs: 0, verify: false },
      );
      const rebuildSeconds = seconds(rebuildStart);
      const verifyStart = hrtime.bigint();
      const verified = await verifyReadModel(storage.eventStore, documentsOf(job.generation!));
      const verifySeconds = seconds(verifyStart);
      if (finished.status !== 'completed' || !verified.identical || rawCount !== events) {
        throw new Error(
          `rebuild ${finished.status}, verified ${verified.identical}, raw read ${rawCount}/${events}`,
        );
      }

      const rawRate = rawCount / rawSeconds;
      const rebuildRate = finished.processed / rebuildSeconds;
      const row = (label: string, total: number, elapsed: number): ResultRow => ({
        scenario: NAME,
        label,
        inFlight: label.startsWith('raw') ? TIME_INDEX_SHARDS : 16,
        opsPerRound: total,
        opsPerSec: total / elapsed,
        p50Ms: 0,
        p99Ms: 0,
        roundsOpsPerSec: [Math.round(total / elapsed)],
      });
      return {
        rows: [
          row('raw read (events)', rawCount, rawSeconds),
          row('rebuild (events)', finished.processed, rebuildSeconds),
          row('verify (events)', verified.events, verifySeconds),
        ],
        checks: [check('ratio rebuild / raw read', rebuildRate / rawRate, TARGET_RATIO)],
        notes: [
          `${events} events over ${payments} payments; one round each (a rebuild of this size is minutes of work).`,
          'raw read: paged Queries of the 8 time-index shards in parallel, items counted, not decoded.',
          'rebuild: blue/green into a new generation, from the global order, one conditional write per payment and chunk of 500 events; verification timed separately.',
          'rows show events/s; latency columns do not apply.',
        ],
        details: { events, payments, rawSeconds, rebuildSeconds, verifySeconds },
      };
    } finally {
      storage.close();
    }
  },
};
