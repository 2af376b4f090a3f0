import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  decodePaymentEvent,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  handleCommand,
} from '@ledger/ledger';
import {
  StreamPoller,
  DynamoDbCheckpointStore,
  DynamoDbParkingLot,
  createDynamoDbStreamsClient,
} from '@ledger/stream-consumer/aws';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { DynamoDbDeadLetters } from '../dynamodb-dead-letters';
import { createEventBridgeClient } from '../event-bridge-client';
import { startLocalBus, type RunningLocalBus } from '@ledger/local-bus';
import type { BusEnvelope } from '../../envelope/bus-envelope';
import { IntegrationEventPublisher } from './publisher.consumer';
import { redriveDeadLetters } from './redrive-dead-letters';

const NOW = '2026-06-01T12:00:00.000Z';

describe('IntegrationEventPublisher', () => {
  let ledger: TestLedger;
  let bus: RunningLocalBus;
  let eventBridge: EventBridgeClient;
  let streams: DynamoDBStreamsClient;
  let poller: StreamPoller;
  let deadLetters: DynamoDbDeadLetters;
  const received: BusEnvelope[] = [];

  beforeAll(async () => {
    ledger = await createTestLedger('publisher');
    bus = await startLocalBus({
      rules: [
        {
          name: 'all',
          eventBusName: 'default',
          pattern: { source: ['integration-ledger'] },
          targets: ['Recorder'],
        },
      ],
      targets: [{ name: 'Recorder', handle: async (event) => void received.push(event) }],
    });
    eventBridge = createEventBridgeClient(bus.url);
    streams = createDynamoDbStreamsClient(process.env.DYNAMODB_ENDPOINT);
    deadLetters = new DynamoDbDeadLetters(ledger.client, ledger.tables.meta);
    poller = new StreamPoller({
      consumer: new IntegrationEventPublisher(ledger.store, eventBridge, deadLetters, {
        batcher: { maxAttempts: 3, baseDelayMs: 5, capDelayMs: 20 },
      }),
      dynamoDb: ledger.client,
      streams,
      eventsTable: ledger.tables.events,
      checkpoints: new DynamoDbCheckpointStore(ledger.client, ledger.tables.meta),
      parkingLot: new DynamoDbParkingLot(ledger.client, ledger.tables.meta),
      pollIntervalMs: 20,
    });
    await poller.start();
  });

  afterAll(async () => {
    await poller.stop();
    streams.destroy();
    eventBridge.destroy();
    await bus.stop();
    await ledger.close();
  });

  async function run(paymentId: string, type: PaymentCommand['type'], data: object): Promise<void> {
    await handleCommand(
      ledger.store,
      paymentDecider,
      decodePaymentEvent,
      paymentStreamId('acme', paymentId),
      {
        type,
        data,
        metadata: { now: NOW, tenantId: 'acme' },
      } as PaymentCommand,
    );
  }

  async function payAndRefund(paymentId: string): Promise<void> {
    await run(paymentId, 'RequestPayment', { paymentId, amount: 1000, currency: 'EUR' });
    await run(paymentId, 'ConcludeCharge', {
      outcome: 'succeeded',
      gatewayTransactionId: `tx_${paymentId}`,
      source: 'gateway_response',
    });
    await run(paymentId, 'RequestRefund', { refundId: `r_${paymentId}`, amount: 300 });
    await run(paymentId, 'ConcludeRefund', {
      refundId: `r_${paymentId}`,
      outcome: 'succeeded',
      source: 'gateway_response',
    });
  }

  async function waitFor(
    condition: () => boolean | Promise<boolean>,
    timeoutMs = 20_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
    await bus.drain();
  }

  const ofPayment = (paymentId: string) => received.filter((e) => e.detail.paymentId === paymentId);

  describe('when payments are made and refunded', () => {
    it('publishes the contract events of each payment once, in stream order', async () => {
      const ids = ['pub_1', 'pub_2', 'pub_3'];
      await Promise.all(ids.map(payAndRefund));

      await waitFor(() => ids.every((id) => ofPayment(id).length === 4));

      for (const id of ids) {
        expect(ofPayment(id).map((e) => [e['detail-type'], e.detail.streamVersion])).toEqual([
          ['payment.requested', 1],
          ['payment.succeeded', 2],
          ['refund.requested', 3],
          ['refund.succeeded', 4],
        ]);
      }
      expect(ofPayment('pub_1')[3].detail).toMatchObject({
        tenantId: 'acme',
        replay: false,
        schemaVersion: 1,
        data: {
          refundId: 'r_pub_1',
          amount: 300,
          refundedAmount: 300,
          paymentStatus: 'partially_refunded',
        },
      });
    });
  });

  describe("when a webhook's state event carries the delivery's link", () => {
    it("publishes webhook.received, then the outcome, both at that event's version", async () => {
      await run('pub_wh', 'RequestPayment', { paymentId: 'pub_wh', amount: 1000, currency: 'EUR' });
      await run('pub_wh', 'ApplyWebhook', {
        deliveryEventId: '01JX0000000000000000DELIV1',
        deliveryStreamId: 'acme#delivery#sandbox#evt_wh',
        provider: 'sandbox',
        deliveryId: 'evt_wh',
        providerEventType: 'payment.completed',
        intent: 'payment_succeeded',
        receivedAt: NOW,
      });

      await waitFor(() => ofPayment('pub_wh').length === 3);

      const published = ofPayment('pub_wh');
      expect(published.map((e) => [e['detail-type'], e.detail.streamVersion])).toEqual([
        ['payment.requested', 1],
        ['webhook.received', 2],
        ['payment.succeeded', 2],
      ]);
      expect(published[1].detail.data).toMatchObject({ deliveryId: 'evt_wh', effect: 'applied' });
      expect(published[1].detail.eventId).not.toBe(published[2].detail.eventId);
    });
  });

  describe('when the bus refuses some entries for a while', () => {
    it('retries only those entries and still delivers everything, in order', async () => {
      bus.failEntries({ detailType: 'payment.succeeded', count: 2 });

      await payAndRefund('pub_retry');

      await waitFor(() => ofPayment('pub_retry').length === 4);
      expect(ofPayment('pub_retry').map((e) => e.detail.streamVersion)).toEqual([1, 2, 3, 4]);
      expect(bus.stats().entriesFailed).toBeGreaterThanOrEqual(2);
    });
  });

  describe('when the bus keeps refusing an entry', () => {
    it('sends it to the dead letters, moves on, and a redrive delivers it', async () => {
      await run('pub_dead', 'RequestPayment', {
        paymentId: 'pub_dead',
        amount: 500,
        currency: 'EUR',
      });
      await waitFor(() => ofPayment('pub_dead').length === 1);
      // The next event of the stream is the one refused for good.
      bus.failEntries({ detailType: 'payment.failed', count: -1 });

      await run('pub_dead', 'ConcludeCharge', {
        outcome: 'declined',
        reason: 'card_declined',
        source: 'gateway_response',
      });
      await waitFor(async () => (await deadLetters.list()).length === 1);
      const [letter] = await deadLetters.list();
      bus.reset();
      const redrive = await redriveDeadLetters(deadLetters, eventBridge);
      await bus.drain();

      expect(letter).toMatchObject({
        streamId: 'acme#payment#pub_dead',
        version: 2,
        detailType: 'payment.failed',
        attempts: 3,
      });
      expect(redrive).toEqual({ redriven: 1, stillFailing: [] });
      expect(await deadLetters.list()).toEqual([]);
      expect(ofPayment('pub_dead').map((e) => e['detail-type'])).toEqual([
        'payment.requested',
        'payment.failed',
      ]);
    });
  });
});
