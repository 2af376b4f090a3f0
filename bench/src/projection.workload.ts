import { hrtime } from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  DynamoDBClient,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { StoredEvent } from '@ledger/event-store';
import { itemSizeBytes, type LedgerStorage } from '@ledger/event-store/aws';
import {
  evolvePaymentDocument,
  type PaymentDocument,
  type PaymentDocuments,
  type PaymentListPage,
  type PaymentListQuery,
} from '@ledger/projections';
import { DynamoDbPaymentDocuments } from '@ledger/projections/aws';
import { BatchProcessor, type ConsumerRecord, type StreamConsumer } from '@ledger/stream-consumer';
import { streamConsumerAdapters } from '@ledger/stream-consumer/aws';
import { msBetween } from './append-load';
import { measure, percentile } from './harness';
import type { PlannedEvent } from './payment-events';

/** Records per BatchProcessor call: what one GetRecords call hands the poller at most. */
export const POLLER_BATCH = 1_000;
/** Stream sequence numbers are decimal strings of up to 21 digits. */
const SEQUENCE_DIGITS = 21;

/** Wraps a consumer and times each `handle`, retries included, in ms. */
export class TimedConsumer implements StreamConsumer {
  readonly name: string;
  readonly concurrency?: number;
  latenciesMs: number[] = [];

  constructor(private readonly inner: StreamConsumer) {
    this.name = inner.name;
    this.concurrency = inner.concurrency;
  }

  async handle(event: StoredEvent): Promise<void> {
    const started = hrtime.bigint();
    await this.inner.handle(event);
    this.latenciesMs.push(msBetween(started, hrtime.bigint()));
  }
}

/** A read-model item as DynamoDB holds it. */
export type DocumentItem = Record<string, AttributeValue>;

/** The item a raw write puts for one event, and the document version it holds. */
export interface PlannedItem {
  item: DocumentItem;
  version: number;
}

/**
 * The raw write the projector's work boils down to: one conditional UpdateItem per event of the
 * item that event leads to (built beforehand, outside the measurement), with the same attributes
 * as the projector's item, into the same read-models table (same GSI upkeep). No read before it,
 * no fold: only the write.
 */
export class RawDocumentWriter implements StreamConsumer {
  readonly name = 'bench-raw-document-writer';

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    /** The item after each event, by `streamId#version`. */
    private readonly items: ReadonlyMap<string, PlannedItem>,
  ) {}

  async handle(event: StoredEvent): Promise<void> {
    const planned = this.items.get(`${event.streamId}#${event.version}`);
    if (planned === undefined) throw new Error(`No item for ${event.streamId} v${event.version}`);
    const { pk, sk, ...attributes } = planned.item;
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, AttributeValue> = { ':prev': { N: String(planned.version - 1) } };
    const sets = Object.entries(attributes).map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
      return `#a${i} = :a${i}`;
    });
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk, sk },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(pk) OR #version = :prev',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new Error(`${event.streamId} v${event.version}: the stored version moved`);
      }
      throw error;
    }
  }
}

/**
 * The item the projector's documents adapter writes for `document`: its own put, run on a client
 * whose request stops once marshalled (nothing is sent) and is captured there. Whatever the
 * adapter's key and attribute layout, the raw side writes exactly the same item.
 */
export async function projectorItem(
  table: string,
  document: PaymentDocument,
): Promise<DocumentItem> {
  let captured: DocumentItem | undefined;
  const capturing = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'capture', secretAccessKey: 'capture' },
  });
  // The build step comes after serialisation, so the input it sees is the marshalled one.
  capturing.middlewareStack.add(
    () => (args) => {
      captured = (args.input as { Item?: DocumentItem }).Item;
      return Promise.resolve({ output: { $metadata: {} }, response: {} });
    },
    { step: 'build', priority: 'high', name: 'captureProjectorItem' },
  );
  await new DynamoDbPaymentDocuments(capturing, table).put(document, document.version - 1);
  capturing.destroy();
  if (captured === undefined) throw new Error('The documents adapter wrote no item');
  return captured;
}

/**
 * The stored events of the planned streams, in the order their appends were acknowledged (what
 * the table's stream would hand a consumer), as stream records with made-up sequence numbers.
 */
export async function readBackRecords(
  storage: LedgerStorage,
  appendOrder: readonly PlannedEvent[],
): Promise<ConsumerRecord[]> {
  const streamIds = [...new Set(appendOrder.map((p) => p.streamId))];
  const byKey = new Map<string, StoredEvent>();
  await measure({
    name: 'read planned streams back',
    inFlight: 16,
    total: streamIds.length,
    op: async (i) => {
      for await (const event of storage.eventStore.readWholeStream(streamIds[i])) {
        byKey.set(`${event.streamId}#${event.version}`, event);
      }
    },
  });
  return appendOrder.map((planned, i) => {
    const event = byKey.get(`${planned.streamId}#${planned.version}`);
    if (event === undefined) throw new Error(`${planned.streamId} v${planned.version} not stored`);
    return { event, sequenceNumber: String(i + 1).padStart(SEQUENCE_DIGITS, '0') };
  });
}

/**
 * The same records for other payments (stream ids with `from` replaced by `to`, of the same
 * length) and the read-model item each one leads to, for the raw writer.
 */
export async function mirrorRecords(
  records: readonly ConsumerRecord[],
  from: string,
  to: string,
  table: string,
): Promise<{ records: ConsumerRecord[]; items: Map<string, PlannedItem> }> {
  if (from.length !== to.length) throw new RangeError('mirror ids must keep their length');
  const mirrored = records.map((record) => ({
    ...record,
    event: { ...record.event, streamId: record.event.streamId.replace(from, to) },
  }));
  const items = new Map<string, PlannedItem>();
  for (const [key, document] of foldDocuments(mirrored.map((r) => r.event))) {
    items.set(key, { item: await projectorItem(table, document), version: document.version });
  }
  return { records: mirrored, items };
}

/** The document after each event, by `streamId#version`, folded as the projector folds. */
export function foldDocuments(events: readonly StoredEvent[]): Map<string, PaymentDocument> {
  const latest = new Map<string, PaymentDocument>();
  const documents = new Map<string, PaymentDocument>();
  const inStreamOrder = [...events].sort(
    (a, b) => a.streamId.localeCompare(b.streamId) || a.version - b.version,
  );
  for (const event of inStreamOrder) {
    const next = evolvePaymentDocument(latest.get(event.streamId) ?? null, event);
    latest.set(event.streamId, next);
    documents.set(`${event.streamId}#${event.version}`, next);
  }
  return documents;
}

export interface DriveResult {
  events: number;
  elapsedMs: number;
  opsPerSec: number;
  /** Per-event handle time (the consumer's work, retries included). */
  p50Ms: number;
  p99Ms: number;
  parked: number;
}

/**
 * Hands `records` to `consumer` through a BatchProcessor in batches of 1,000, one batch after the
 * other, as the poller does (16 streams at once within a batch, each stream in order), and
 * times the whole.
 */
export async function driveThroughBatchProcessor(
  storage: LedgerStorage,
  consumer: StreamConsumer,
  records: readonly ConsumerRecord[],
): Promise<DriveResult> {
  const timed = new TimedConsumer(consumer);
  let parked = 0;
  const processor = new BatchProcessor(timed, streamConsumerAdapters(storage).parkingLot, {
    onParked: () => void parked++,
  });
  const started = hrtime.bigint();
  for (let i = 0; i < records.length; i += POLLER_BATCH) {
    const outcome = await processor.process(records.slice(i, i + POLLER_BATCH));
    if (outcome.firstFailure !== undefined) {
      throw new Error(`${consumer.name}: a record could neither be handled nor parked`);
    }
  }
  const elapsedMs = msBetween(started, hrtime.bigint());
  const sorted = Float64Array.from(timed.latenciesMs).sort();
  return {
    events: records.length,
    elapsedMs,
    opsPerSec: (records.length * 1000) / elapsedMs,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    parked,
  };
}

/**
 * Polls the read model every `pollMs` until the payment's document is at `version` at least;
 * resolves with the time from `appendedAtNs` to the read that saw it, in ms.
 */
export async function timeUntilVisible(
  documents: PaymentDocuments,
  planned: PlannedEvent,
  appendedAtNs: bigint,
  options: { pollMs: number; timeoutMs: number },
): Promise<{ lagMs: number; reads: number }> {
  let reads = 0;
  for (;;) {
    const document = await documents.get(planned.tenantId, planned.paymentId);
    reads++;
    const now = hrtime.bigint();
    if (document !== undefined && document.version >= planned.version) {
      return { lagMs: msBetween(appendedAtNs, now), reads };
    }
    if (msBetween(appendedAtNs, now) > options.timeoutMs) {
      throw new Error(
        `${planned.streamId} v${planned.version} not projected within ${options.timeoutMs} ms`,
      );
    }
    await sleep(options.pollMs);
  }
}

/**
 * The projector's documents adapter, noting when each write of a document version was
 * acknowledged: the earliest moment a reader could see it, with no reads of its own.
 */
export class AckTimedDocuments implements PaymentDocuments {
  readonly writtenAtNs = new Map<string, bigint>();

  constructor(private readonly inner: PaymentDocuments) {}

  get(tenantId: string, paymentId: string): Promise<PaymentDocument | undefined> {
    return this.inner.get(tenantId, paymentId);
  }

  async put(document: PaymentDocument, expectedVersion: number): Promise<boolean> {
    const written = await this.inner.put(document, expectedVersion);
    if (written) {
      this.writtenAtNs.set(`${document.paymentId}#${document.version}`, hrtime.bigint());
    }
    return written;
  }

  list(query: PaymentListQuery): Promise<PaymentListPage> {
    return this.inner.list(query);
  }
}

/** Size of the stored item under `item`'s key, as DynamoDB counts it; undefined when absent. */
export async function storedItemSize(
  storage: LedgerStorage,
  item: DocumentItem,
): Promise<number | undefined> {
  const { Item } = await storage.dynamoDb.send(
    new GetItemCommand({
      TableName: storage.tables.readModels,
      Key: { pk: item.pk, sk: item.sk },
      ConsistentRead: true,
    }),
  );
  return Item === undefined ? undefined : itemSizeBytes(Item);
}

/** How many of the payments' documents are not (yet) at `version`. */
export async function documentsBehind(
  documents: PaymentDocuments,
  payments: ReadonlyArray<Pick<PlannedEvent, 'tenantId' | 'paymentId'>>,
  version: number,
): Promise<number> {
  let behind = 0;
  await measure({
    name: 'documents check',
    inFlight: 8,
    total: Math.max(1, payments.length),
    op: async (i) => {
      const payment = payments[i];
      if (payment === undefined) return;
      const document = await documents.get(payment.tenantId, payment.paymentId);
      if ((document?.version ?? 0) < version) behind++;
    },
  });
  return behind;
}
