import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DYNAMODB_OP_LOG_ENV } from '@ledger/event-store/aws';
import { PIPELINE_SENDER, PIPELINE_TENANT, startLedger } from './ledger-start';
import { benchPaymentId } from './payment-events';
import {
  WRITE_OPERATIONS,
  opsPerDelivery,
  sumTotals,
  type OpTotals,
  type OpsPerDelivery,
} from './pipeline-stats';
import {
  documentReader,
  publishedAt,
  readOpLogs,
  runScheduledLoad,
  seedProcessingPayments,
  skipConsumerBacklogs,
} from './pipeline.workload';
import { check, checkAtMost, type BenchContext, type Scenario } from './scenario';
import { waitUntilAsync } from './wait';
import { PROVIDER, deliveryId } from './webhook-ingest.payload';
import { probeDelivery } from './webhook-ingest.workload';

const NAME = 'pipeline-ops';
/** Issue #18: at most this many DynamoDB write requests per delivery, the whole pipeline. */
const TARGET_WRITES = 4;
const FULL = { deliveries: 500, ratePerSec: 100 };
const QUICK = { deliveries: 100, ratePerSec: 100 };
/** The op logs are flushed every 500 ms: totals unchanged over this long = nothing is running. */
const QUIET_MS = 1_500;
const QUIET_LIMIT_MS = 30_000;
/** The example subscriber's receipt: one PutItem (1 WRU) on read-models per concluded payment. */
const SUBSCRIBER_WRITES = 1;

/**
 * DynamoDB requests and write units per delivery through the whole pipeline, for deliveries that
 * conclude known payments, counted inside `ledger start`'s processes by the opt-in op log
 * (LEDGER_DYNAMODB_OP_LOG) between a quiet moment before the first delivery and a quiet moment
 * after the last one is projected and published.
 */
export const pipelineOpsScenario: Scenario = {
  name: NAME,
  summary: 'DynamoDB operations and write units per delivery concluding a payment, whole pipeline',
  async run(context: BenchContext) {
    const sizing = context.quick ? QUICK : FULL;
    const runId = randomBytes(4).toString('hex');
    const paymentPrefix = `po-${runId}-`;
    const deliveryPrefix = `pod-${runId}-`;
    const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-ops-'));
    const logPrefix = join(dir, 'ops');

    context.log(`  seeding ${sizing.deliveries} payments in processing...`);
    await seedProcessingPayments(
      context.storage,
      PIPELINE_TENANT,
      paymentPrefix,
      sizing.deliveries,
    );
    await skipConsumerBacklogs(context);
    const ledger = await startLedger({
      engineEndpoint: context.engineEndpoint,
      tablePrefix: context.tablePrefix,
      env: { [DYNAMODB_OP_LOG_ENV]: logPrefix },
    });
    let cost: OpsPerDelivery;
    let processes: number;
    try {
      await probeDelivery(ledger.baseUrl, PIPELINE_SENDER, deliveryId(`${deliveryPrefix}p-`, 1));
      const before = await quietTotals(logPrefix);
      context.log(`  sending ${sizing.deliveries} deliveries at ${sizing.ratePerSec}/s...`);
      const load = await runScheduledLoad({
        origin: ledger.baseUrl,
        path: `/webhooks/${PROVIDER}`,
        connections: 16,
        ratePerSec: sizing.ratePerSec,
        count: sizing.deliveries,
        startAt: Date.now() + 200,
        plan: { kind: 'conclude', deliveryPrefix, paymentPrefix },
        sender: PIPELINE_SENDER,
      });
      const failed = load.ackAt.filter((at) => at === null).length;
      if (failed > 0) throw new Error(`${failed} deliveries were not acknowledged 2xx`);
      const read = documentReader(context.storage);
      const last = benchPaymentId(paymentPrefix, sizing.deliveries);
      await waitUntilAsync(
        async () =>
          (await read(PIPELINE_TENANT, last))?.state.status === 'succeeded' &&
          (await publishedAt(context.storage, PIPELINE_TENANT, last)) !== undefined,
        120_000,
        'the last delivery to be projected and published',
      );
      const after = await quietTotals(logPrefix);
      processes = readOpLogs(logPrefix).length;
      cost = opsPerDelivery(before, after, sizing.deliveries, context.tablePrefix);
    } finally {
      await ledger.stop();
      rmSync(dir, { recursive: true, force: true });
    }

    const pipelineWrites = cost.writeRequests - SUBSCRIBER_WRITES;
    const listed = (counts: Record<string, number>): string =>
      Object.entries(counts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, n]) => `${key} ${round(n)}`)
        .join(', ');
    return {
      rows: [],
      checks: [
        checkAtMost(
          'pipeline write requests per delivery (receipt excluded)',
          pipelineWrites,
          TARGET_WRITES,
        ),
        check('write units per delivery (receipt included)', cost.totalWriteUnits),
        check('read requests per delivery', cost.readRequests),
      ],
      notes: [
        `${sizing.deliveries} payment.completed deliveries, each concluding its own seeded ` +
          `processing payment, sent at ${sizing.ratePerSec}/s; counted in every process of ` +
          `\`ledger start\` (${processes} with a DynamoDB client) by the op log ` +
          `(${DYNAMODB_OP_LOG_ENV}), from a quiet moment after a probe delivery to a quiet ` +
          'moment after the last delivery was projected and published; per delivery, ' +
          'checkpoints amortised over the batches the pollers read. Stream reads (GetRecords) ' +
          'are not table operations and are not counted.',
        `Requests per delivery: ${listed(cost.requests)}.`,
        `Items inside batches and transactions per delivery: ${listed(cost.items) || 'none'}.`,
        `Write units per delivery (DynamoDB Local's ConsumedCapacity, transactions doubled; ` +
          `indexes as table/index): ${listed(cost.writeUnits)}; ${round(cost.totalWriteUnits)} in all.`,
        `Writes: ${round(cost.writeRequests)} per delivery (${listed(writesOf(cost.requests))}), ` +
          `of which ${SUBSCRIBER_WRITES} is the example subscriber's receipt (a PutItem on ` +
          'read-models, downstream of the bus, not the pipeline): ' +
          `${round(pipelineWrites)} for intake, correlator, projector, publisher and ` +
          'checkpoints (the meta writes).',
      ],
      details: { cost, pipelineWrites, subscriberWrites: SUBSCRIBER_WRITES },
    };
  },
};

function writesOf(requests: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(requests).filter(([key]) =>
      (WRITE_OPERATIONS as readonly string[]).includes(key.split(' ')[0]),
    ),
  );
}

function round(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}

/** The processes' summed totals once two reads `QUIET_MS` apart agree (nothing is running). */
async function quietTotals(prefix: string): Promise<OpTotals> {
  const deadline = Date.now() + QUIET_LIMIT_MS;
  let previous = JSON.stringify(sumTotals(readOpLogs(prefix)));
  while (Date.now() < deadline) {
    await sleep(QUIET_MS);
    const current = JSON.stringify(sumTotals(readOpLogs(prefix)));
    if (current === previous && current !== JSON.stringify(sumTotals([]))) {
      return JSON.parse(current) as OpTotals;
    }
    previous = current;
  }
  throw new Error(`The op logs under ${prefix} did not settle within ${QUIET_LIMIT_MS} ms`);
}
