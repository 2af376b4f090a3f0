import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  BatchWriteItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { positionOf, type StoredEvent } from '@ledger/event-store';
import { toEventItem, type LedgerStorage } from '@ledger/event-store/aws';
import {
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  type PaymentEvent,
} from '@ledger/ledger';
import {
  evolvePaymentDocument,
  type GenerationDocuments,
  type PaymentDocument,
} from '@ledger/projections';
import { projectionAdapters } from '@ledger/projections/aws';
import { CONSUMER_ROOTS } from '@ledger/stream-processor-app';
import { ulid } from 'ulid';
import { measure } from './harness';
import { benchPaymentId } from './payment-events';
import { SEEDED_AMOUNT, SEEDED_CURRENCY } from './pipeline.payload';
import {
  PIPELINE_LOADGEN_ENV,
  type ScheduledLoadOptions,
  type ScheduledLoadResult,
} from './pipeline.loadgen';
import type { OpTotals } from './pipeline-stats';
import { skipBacklog, type SkippedBacklog } from './scenario-storage';
import type { BenchContext } from './scenario';
import { PROVIDER as PIPELINE_PROVIDER, type SenderConfig } from './webhook-ingest.payload';
import { rawPutWorkload } from './webhook-ingest.workload';

const LOADGEN_GRACE_MS = 120_000;
/** Events per BatchWriteItem: DynamoDB's maximum. */
const BATCH_WRITE_ITEMS = 25;
const SEED_IN_FLIGHT = 8;
/** Documents per overwriteMany call (it sends all of its batches at once). */
const DOCUMENTS_PER_CALL = 100;

/**
 * Runs the open-loop load generator (compiled next to this file) in its own process and returns
 * what it measured; its failure, or a run that overstays, rejects with its stderr.
 */
export function runScheduledLoad(options: ScheduledLoadOptions): Promise<ScheduledLoadResult> {
  const script = join(__dirname, 'pipeline.loadgen.js');
  if (!existsSync(script)) {
    return Promise.reject(new Error(`${script} is missing: run the bench from its build`));
  }
  const durationMs = options.startAt - Date.now() + (options.count / options.ratePerSec) * 1000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, [PIPELINE_LOADGEN_ENV]: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), durationMs + LOADGEN_GRACE_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '') {
        reject(
          new Error(`Load generator exited with ${signal ?? `code ${code}`}: ${stderr.trim()}`),
        );
        return;
      }
      try {
        resolve(JSON.parse(line) as ScheduledLoadResult);
      } catch (error) {
        reject(new Error(`Load generator printed no JSON result: ${line}`, { cause: error }));
      }
    });
  });
}

/**
 * Moves every stream consumer's checkpoints (each one `ledger start` runs: CONSUMER_ROOTS) to the
 * head of the events stream, so a `ledger start` started next handles only what comes after.
 */
export async function skipConsumerBacklogs(
  context: BenchContext,
): Promise<Record<string, SkippedBacklog>> {
  const names = Object.keys(CONSUMER_ROOTS);
  const skipped = await Promise.all(
    names.map((name) => skipBacklog(context, context.storage, name)),
  );
  return Object.fromEntries(names.map((name, i) => [name, skipped[i]]));
}

/** A payment charged at the gateway and waiting for its outcome, as `seedProcessingPayments` writes it. */
function processingPayment(tenantId: string, paymentId: string, now: Date): PaymentEvent[] {
  const at = now.toISOString();
  const commands: Array<Pick<PaymentCommand, 'type' | 'data'>> = [
    {
      type: 'RequestPayment',
      data: {
        paymentId,
        amount: SEEDED_AMOUNT,
        currency: SEEDED_CURRENCY,
        customerId: 'cus_bench',
      },
    },
    {
      type: 'RecordGatewayAttempt',
      data: {
        operation: 'charge',
        attempt: 1,
        idempotencyKey: `${tenantId}:${paymentId}:charge`,
        method: 'POST',
        path: '/v1/charges',
        startedAt: at,
        durationMs: 42,
        // Accepted, outcome to follow by webhook: the payment stays `processing`.
        outcome: 'succeeded',
        httpStatus: 202,
        breakerState: 'closed',
      },
    },
  ];
  let state = paymentDecider.initialState();
  const events: PaymentEvent[] = [];
  for (const command of commands) {
    const decided = paymentDecider.decide(
      { ...command, metadata: { now: at, tenantId, actor: 'api' } } as PaymentCommand,
      state,
    );
    for (const event of decided) {
      state = paymentDecider.evolve(state, event);
      events.push(event);
    }
  }
  if (state.status !== 'processing') {
    throw new Error(`A seeded payment is ${state.status}, expected processing`);
  }
  return events;
}

/** A decided event as the store would have recorded it at `version` of `streamId`, at `now`. */
function storedAt(streamId: string, version: number, event: PaymentEvent, now: Date): StoredEvent {
  return {
    streamId,
    version,
    eventId: ulid(),
    type: event.type,
    schemaVersion: event.schemaVersion ?? 1,
    data: event.data,
    metadata: event.metadata,
    recordedAt: now.toISOString(),
    position: positionOf(now.toISOString(), streamId, version),
  };
}

/**
 * The least DynamoDB work a delivery concluding a payment cannot do without, done raw: the three
 * conditional writes every such delivery needs wherever it runs (intake's `WebhookReceived` in
 * `events`; the decision, a `PaymentSucceeded` in `events`; the payment's document in
 * `read-models`), one after the other as the pipeline orders them, and nothing else: no reads,
 * no stream reads, no publishing, no HTTP. Its rate is a ceiling for any pipeline on this engine
 * and machine, measured in the same run as the raw PutItem it is compared with.
 */
export function pipelineFloorWorkload(
  storage: LedgerStorage,
  sender: SenderConfig,
  options: { idPrefix: string; host: string; tenantId: string },
): { deliver(): Promise<void> } {
  const intake = rawPutWorkload(storage, sender, {
    idPrefix: `${options.idPrefix}d-`,
    host: options.host,
  });
  const adapters = projectionAdapters(storage);
  let documents: Promise<GenerationDocuments> | undefined;
  let seq = 0;
  return {
    async deliver() {
      documents ??= adapters
        .generations({ cacheMs: 0 })
        .current()
        .then(({ live }) => adapters.documentsOf(live));
      const paymentId = benchPaymentId(`${options.idPrefix}p-`, ++seq);
      const streamId = paymentStreamId(options.tenantId, paymentId);
      const now = new Date();
      const history = processingPayment(options.tenantId, paymentId, now);
      const [succeeded] = paymentDecider.decide(
        {
          // What the correlator decides for the delivery (its ids are placeholders of that size).
          type: 'ApplyWebhook',
          data: {
            deliveryEventId: ulid(),
            deliveryStreamId: `webhook#${options.tenantId}#${sender.scheme}#${paymentId}`,
            provider: PIPELINE_PROVIDER,
            deliveryId: paymentId,
            providerEventType: 'payment.completed',
            intent: 'payment_succeeded',
            receivedAt: now.toISOString(),
            gatewayTransactionId: `ch_${paymentId}`,
            amount: SEEDED_AMOUNT,
            currency: SEEDED_CURRENCY,
          },
          metadata: {
            now: now.toISOString(),
            tenantId: options.tenantId,
            causationId: ulid(),
            actor: 'correlator',
          },
        },
        history.reduce(paymentDecider.evolve, paymentDecider.initialState()),
      );
      let document: PaymentDocument | null = null;
      let decision: Record<string, AttributeValue> | undefined;
      [...history, succeeded].forEach((event, i) => {
        const stored = storedAt(streamId, i + 1, event, now);
        document = evolvePaymentDocument(document, stored);
        if (event === succeeded) {
          const { position: _position, ...item } = stored;
          decision = toEventItem(item);
        }
      });
      await intake.put();
      await storage.dynamoDb.send(
        new PutItemCommand({
          TableName: storage.tables.events,
          Item: decision,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      if (!(await (await documents).put(document!, 0))) {
        throw new Error(`The floor's document of ${paymentId} was already there`);
      }
    },
  };
}

/**
 * Writes `count` payments in `processing` (PaymentRequested, GatewayCallAttempted) and their
 * read-model documents straight to the tables, in batches: as the API and the projector would
 * have left them, at a fraction of the cost. Run while no consumer runs, then skip the backlog.
 */
export async function seedProcessingPayments(
  storage: LedgerStorage,
  tenantId: string,
  paymentPrefix: string,
  count: number,
): Promise<{ elapsedMs: number }> {
  const started = Date.now();
  const now = new Date();
  const items: WriteRequest[] = [];
  const documents: PaymentDocument[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const paymentId = benchPaymentId(paymentPrefix, seq);
    const streamId = paymentStreamId(tenantId, paymentId);
    let document: PaymentDocument | null = null;
    processingPayment(tenantId, paymentId, now).forEach((event, i) => {
      const stored = storedAt(streamId, i + 1, event, now);
      const { position: _position, ...item } = stored;
      items.push({ PutRequest: { Item: toEventItem(item) } });
      document = evolvePaymentDocument(document, stored);
    });
    if (document !== null) documents.push(document);
  }
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_ITEMS) {
    batches.push(items.slice(i, i + BATCH_WRITE_ITEMS));
  }
  await measure({
    name: 'seed payment events',
    inFlight: SEED_IN_FLIGHT,
    total: batches.length,
    op: async (i) => {
      let pending = batches[i];
      while (pending.length > 0) {
        const output = await storage.dynamoDb.send(
          new BatchWriteItemCommand({ RequestItems: { [storage.tables.events]: pending } }),
        );
        pending = output.UnprocessedItems?.[storage.tables.events] ?? [];
      }
    },
  });
  const adapters = projectionAdapters(storage);
  const { live } = await adapters.generations({ cacheMs: 0 }).current();
  const target = adapters.documentsOf(live);
  await measure({
    name: 'seed payment documents',
    inFlight: SEED_IN_FLIGHT / 2,
    total: Math.ceil(documents.length / DOCUMENTS_PER_CALL),
    op: (i) =>
      target.overwriteMany(documents.slice(i * DOCUMENTS_PER_CALL, (i + 1) * DOCUMENTS_PER_CALL)),
  });
  return { elapsedMs: Date.now() - started };
}

/** Reads payments' read-model documents (the live generation's), for polling. */
export function documentReader(
  storage: LedgerStorage,
): (tenantId: string, paymentId: string) => Promise<PaymentDocument | undefined> {
  const documents = projectionAdapters(storage).liveDocuments();
  return (tenantId, paymentId) => documents.get(tenantId, paymentId);
}

/**
 * When the example subscriber received the payment's `payment.succeeded` (its receipt's
 * `receivedAt`, epoch ms): the local bus delivers to it from inside `ledger start`, so this is
 * when the integration event was published. Undefined when it has no such receipt (yet).
 */
export async function publishedAt(
  storage: LedgerStorage,
  tenantId: string,
  paymentId: string,
): Promise<number | undefined> {
  const { Items = [] } = await storage.dynamoDb.send(
    new QueryCommand({
      TableName: storage.tables.readModels,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `receipts#${tenantId}#${paymentId}` } },
      ConsistentRead: true,
    }),
  );
  const times = Items.filter((item) => item.detailType?.S === 'payment.succeeded').map((item) =>
    Date.parse(item.receivedAt?.S ?? ''),
  );
  return times.length === 0 ? undefined : Math.min(...times);
}

/** The op logs `ledger start`'s processes wrote under `prefix` (LEDGER_DYNAMODB_OP_LOG). */
export function readOpLogs(prefix: string): OpTotals[] {
  const dir = dirname(prefix);
  const start = `${basename(prefix)}.`;
  return readdirSync(dir)
    .filter((name) => name.startsWith(start) && name.endsWith('.json'))
    .flatMap((name) => {
      try {
        return [JSON.parse(readFileSync(join(dir, name), 'utf8')) as OpTotals];
      } catch {
        // Caught mid-write: the next flush (every 500 ms) replaces it.
        return [];
      }
    });
}

export function removeOpLogs(prefix: string): void {
  const dir = dirname(prefix);
  const start = `${basename(prefix)}.`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(start)) rmSync(join(dir, name), { force: true });
  }
}
