import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type EventMetadata,
  type NewEvent,
  type StoredEvent,
  UpcasterChain,
} from '@ledger/event-store';
import { handleCommand } from '../decider/handle-command';
import { decodeEventRecord, DynamoDbEventStore } from '@ledger/event-store/aws';
import {
  StreamPoller,
  createDynamoDbStreamsClient,
  DynamoDbCheckpointStore,
  DynamoDbParkingLot,
} from '@ledger/stream-consumer/aws';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { ledgerUpcasters } from '../ledger.upcasters';
import { paymentDecider } from './payment.decider';
import { decodePaymentEvent } from './payment.decoder';
import { applyWebhook, gatewayCallAttempted, paymentRequested } from './payment.spec-helper';
import type { PaymentFailedDataV1 } from './payment.upcasters';

const STREAM = 'acme#payment#pay_1';

// What release v1 appended for a charge the gateway refused with a 400.
const failedV1: PaymentFailedDataV1 = {
  reason: 'The gateway answered 400',
  declineCode: 'http_400',
  source: 'gateway_response',
  at: '2025-03-01T12:00:00.000Z',
};

function asWrittenByV1(event: { type: string; data: object; metadata: EventMetadata }): NewEvent {
  return { type: event.type, data: { ...event.data }, metadata: event.metadata, schemaVersion: 1 };
}

describe('PaymentFailed v1 in a store read through the ledger upcasters', () => {
  let ledger: TestLedger;
  let withoutUpcasters: DynamoDbEventStore;
  const chain = new UpcasterChain(ledgerUpcasters());

  beforeAll(async () => {
    ledger = await createTestLedger('payment-upcast', { upcasters: chain });
    withoutUpcasters = new DynamoDbEventStore({ client: ledger.client, tables: ledger.tables });
    await ledger.store.append(STREAM, 0, [
      asWrittenByV1(paymentRequested()),
      asWrittenByV1(gatewayCallAttempted({ outcome: 'http_error', httpStatus: 400 })),
      asWrittenByV1({ type: 'PaymentFailed', data: failedV1, metadata: { tenantId: 'acme' } }),
    ]);
  });

  afterAll(async () => {
    await ledger.close();
  });

  async function storedItem(version: number) {
    const { Item } = await ledger.client.send(
      new GetItemCommand({
        TableName: ledger.tables.events,
        Key: { pk: { S: STREAM }, sk: { N: String(version) } },
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  it('arrives as v2, with the category derived from the v1 data', async () => {
    const { events } = await ledger.store.readStream(STREAM);

    expect(events[2]).toMatchObject({
      type: 'PaymentFailed',
      schemaVersion: 2,
      data: { ...failedV1, category: 'invalid_request' },
    });
  });

  it('stays v1 in storage, as a store without the upcasters shows', async () => {
    const { events } = await withoutUpcasters.readStream(STREAM);
    const item = await storedItem(3);

    expect(events[2].schemaVersion).toBe(1);
    expect(events[2].data).toStrictEqual(failedV1);
    expect(item?.schemaVersion).toEqual({ N: '1' });
    expect(item?.data.M).not.toHaveProperty('category');
  });

  it('arrives as v2 from a stream record decoded with the upcasters', async () => {
    const record = {
      eventName: 'INSERT',
      dynamodb: { NewImage: await storedItem(3), SequenceNumber: '3' },
    };

    expect(decodeEventRecord(record, chain)).toMatchObject({
      schemaVersion: 2,
      data: { category: 'invalid_request' },
    });
  });

  it('folds into the state of today’s code when the next command is decided', async () => {
    const handled = await handleCommand(
      ledger.store,
      paymentDecider,
      decodePaymentEvent,
      STREAM,
      applyWebhook({ intent: 'payment_failed' }),
    );

    expect(handled.state).toMatchObject({ status: 'failed', failureCategory: 'invalid_request' });
    expect(handled.version).toBe(4);
  });

  it('reaches a stream consumer as v2 through the local stream poller', async () => {
    const received: StoredEvent[] = [];
    const streams = createDynamoDbStreamsClient(process.env.DYNAMODB_ENDPOINT);
    const poller = new StreamPoller({
      consumer: { name: 'recorder', handle: async (event) => void received.push(event) },
      dynamoDb: ledger.client,
      streams,
      eventsTable: ledger.tables.events,
      checkpoints: new DynamoDbCheckpointStore(ledger.client, ledger.tables.meta),
      parkingLot: new DynamoDbParkingLot(ledger.client, ledger.tables.meta),
      upcasters: chain,
      pollIntervalMs: 20,
    });
    try {
      await poller.start();
      const deadline = Date.now() + 20_000;
      while (!received.some((e) => e.type === 'PaymentFailed') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await poller.stop();
      streams.destroy();
    }

    expect(received.find((e) => e.type === 'PaymentFailed')).toMatchObject({
      schemaVersion: 2,
      data: { category: 'invalid_request' },
    });
  });
});
