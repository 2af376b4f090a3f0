import { randomBytes, randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type NewEvent } from '@ledger/event-store';
import { toEventItem, type LedgerStorage } from '@ledger/event-store/aws';
import { ulid } from 'ulid';

// Equal lengths, so raw and store items have the same key sizes and thus the same item size.
const RAW_PREFIX = 'bench-rawput-';
const STORE_PREFIX = 'bench-append-';
const SEQUENCE_DIGITS = 9;

export const EVENT_TYPE = 'GatewayCallSucceeded';

/**
 * The two operations being compared, writing items of identical shape and size into the same
 * events table: a raw conditional PutItem and an event-store append to a new stream.
 */
export interface EventStoreWorkload {
  rawPut(): Promise<void>;
  append(): Promise<void>;
  /** Stream ids of the latest writes of each kind, to read back and compare item sizes. */
  lastStreamIds(): { raw?: string; store?: string };
}

export function eventStoreWorkload(storage: LedgerStorage): EventStoreWorkload {
  const { dynamoDb, tables, eventStore } = storage;
  // A per-process run id keeps keys fresh even if the engine were reused between runs.
  const runId = randomBytes(4).toString('hex');
  let rawSeq = 0;
  let storeSeq = 0;
  let lastRaw: string | undefined;
  let lastStore: string | undefined;
  const streamId = (prefix: string, seq: number): string =>
    `${prefix}${runId}-${String(seq).padStart(SEQUENCE_DIGITS, '0')}`;

  return {
    async rawPut() {
      const id = streamId(RAW_PREFIX, ++rawSeq);
      const event = sampleEvent(id);
      // Built per op like the store does, so both sides pay for ids, timestamps and marshalling.
      const item = toEventItem({
        streamId: id,
        version: 1,
        eventId: ulid(),
        type: event.type,
        schemaVersion: 1,
        data: event.data,
        metadata: event.metadata ?? {},
        recordedAt: new Date().toISOString(),
      });
      await dynamoDb.send(
        new PutItemCommand({
          TableName: tables.events,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      lastRaw = id;
    },
    async append() {
      const id = streamId(STORE_PREFIX, ++storeSeq);
      await eventStore.append(id, 0, [sampleEvent(id)]);
      lastStore = id;
    },
    lastStreamIds: () => ({ raw: lastRaw, store: lastStore }),
  };
}

/**
 * A gateway call attempt as the ledger records it, about 1 KB of data: request and response
 * summaries with ids that differ per event (so nothing compresses or dedupes unrealistically).
 * Every variable field has a fixed length, so every event is the same size.
 */
export function sampleEvent(streamId: string): NewEvent {
  const correlationId = randomUUID();
  const requestId = randomUUID();
  const paymentId = `pi_${randomBytes(12).toString('hex')}`;
  return {
    type: EVENT_TYPE,
    data: {
      gateway: 'stripe',
      operation: 'payment_intents.create',
      attempt: 1,
      idempotencyKey: requestId,
      request: {
        method: 'POST',
        url: 'https://api.gateway.example/v1/payment_intents',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'idempotency-key': requestId,
          'user-agent': 'integration-ledger/0.1.0 node/20',
        },
        body: {
          amount: 129_900,
          currency: 'eur',
          customer: 'cus_Q1w2E3r4T5y6U7',
          description: 'Order 2026-000123456 - annual plan, 3 seats',
          capture_method: 'automatic',
          metadata: { orderId: 'ord_000123456', cartId: 'cart_7f3a9c2e', channel: 'web' },
        },
      },
      response: {
        status: 200,
        durationMs: 412,
        headers: {
          'request-id': `req_${randomBytes(8).toString('hex')}`,
          'stripe-version': '2024-06-20',
        },
        body: {
          id: paymentId,
          object: 'payment_intent',
          status: 'succeeded',
          amount: 129_900,
          amount_received: 129_900,
          currency: 'eur',
          latest_charge: `ch_${randomBytes(12).toString('hex')}`,
          payment_method: `pm_${randomBytes(12).toString('hex')}`,
          created: 1_795_000_000,
          livemode: false,
        },
      },
    },
    metadata: {
      tenantId: 'tenant-acme-eu-01',
      correlationId,
      causationId: `cmd-${streamId}`,
      source: 'bench',
    },
  };
}
