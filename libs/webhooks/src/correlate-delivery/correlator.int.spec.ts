import { type EventStore, type StoredEvent } from '@ledger/event-store';
import {
  decodePaymentEvent,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  handleCommand,
  readStream,
} from '@ledger/ledger';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { DynamoDbCorrelationIndex } from '../infrastructure/dynamodb-correlation-index';
import { DynamoDbDeliveryStats } from '../infrastructure/dynamodb-delivery-stats';
import { decodeWebhookReceived } from '../receive-webhook/webhook.events';
import { SignedDeliveries } from '../testing/signed-deliveries';
import { Correlator } from './correlator.consumer';

const SECRET = 'test-secret-not-real';
const NOW = '2026-05-01T10:00:00.000Z';

describe('Correlator', () => {
  let ledger: TestLedger;
  let webhooks: SignedDeliveries;
  let correlator: Correlator;

  beforeAll(async () => {
    ledger = await createTestLedger('correlator');
    webhooks = new SignedDeliveries(
      ledger.store,
      new DynamoDbDeliveryStats(ledger.client, ledger.tables.meta),
      [
        { name: 'sandbox', tenant: 'acme', scheme: 'hmac-sha256', secrets: [SECRET] },
        { name: 'other', tenant: 'globex', scheme: 'hmac-sha256', secrets: [SECRET] },
      ],
    );
    correlator = new Correlator(
      ledger.store,
      new DynamoDbCorrelationIndex(ledger.client, ledger.tables.meta),
      () => new Date(NOW),
    );
  });

  afterAll(async () => {
    await webhooks.close();
    await ledger.close();
  });

  /** Receives a signed delivery through the real receiver and returns its stored event. */
  function deliver(payload: object, provider = 'sandbox'): Promise<StoredEvent> {
    return webhooks.deliver(provider, payload);
  }

  async function command(
    tenantId: string,
    paymentId: string,
    type: PaymentCommand['type'],
    data: object,
  ) {
    return handleCommand(
      ledger.store,
      paymentDecider,
      decodePaymentEvent,
      paymentStreamId(tenantId, paymentId),
      {
        type,
        data,
        metadata: { now: NOW, tenantId },
      } as PaymentCommand,
    );
  }

  async function paymentEvents(tenantId: string, paymentId: string): Promise<StoredEvent[]> {
    return (await ledger.store.readStream(paymentStreamId(tenantId, paymentId))).events;
  }

  describe('when the delivery names a payment the ledger knows', () => {
    it('links it and applies it once, however often it is handed over', async () => {
      await command('acme', 'pay_known', 'RequestPayment', {
        paymentId: 'pay_known',
        amount: 1000,
        currency: 'EUR',
      });
      const delivery = await deliver({
        id: 'evt_k1',
        type: 'payment.completed',
        data: { paymentId: 'pay_known', transactionId: 'tx_k' },
      });

      await correlator.handle(delivery);
      await correlator.handle(delivery);

      const events = await paymentEvents('acme', 'pay_known');
      expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(events[1].data).toMatchObject({
        source: 'webhook',
        gatewayTransactionId: 'tx_k',
        webhook: {
          deliveryEventId: delivery.eventId,
          deliveryStreamId: delivery.streamId,
          provider: 'sandbox',
          deliveryId: 'evt_k1',
          providerEventType: 'payment.completed',
          intent: 'payment_succeeded',
        },
      });
      expect(events[1].metadata).toMatchObject({
        causationId: delivery.eventId,
        actor: 'correlator',
      });
    });
  });

  /** The ledger's store, with `around` run once around the first put of a `PaymentSucceeded`. */
  function storeAroundSuccess(around: {
    before?: (streamId: string) => Promise<void>;
    after?: (streamId: string) => Promise<void>;
  }): EventStore {
    const store = ledger.store;
    let done = false;
    return {
      startStream: (streamId, event) => store.startStream(streamId, event),
      append: async (streamId, expectedVersion, events, options) => {
        const first = !done && events.some((event) => event.type === 'PaymentSucceeded');
        if (first) {
          done = true;
          await around.before?.(streamId);
        }
        const result = await store.append(streamId, expectedVersion, events, options);
        if (first) await around.after?.(streamId);
        return result;
      },
      readStream: (streamId, options) => store.readStream(streamId, options),
      readWholeStream: (streamId, fromVersion) => store.readWholeStream(streamId, fromVersion),
      readHead: (streamId) => store.readHead(streamId),
    };
  }

  function correlatorOn(store: EventStore): Correlator {
    return new Correlator(
      store,
      new DynamoDbCorrelationIndex(ledger.client, ledger.tables.meta),
      () => new Date(NOW),
    );
  }

  /** A requested payment and the delivery that says it completed, not yet correlated. */
  async function requestedAndCompleted(paymentId: string) {
    const suffix = paymentId.replace(/^pay_/, '');
    await command('acme', paymentId, 'RequestPayment', {
      paymentId,
      amount: 1000,
      currency: 'EUR',
    });
    return deliver({
      id: `evt_${suffix}`,
      type: 'payment.completed',
      data: { paymentId, transactionId: `tx_${suffix}` },
    });
  }

  async function paymentState(paymentId: string) {
    const { state } = await readStream(
      ledger.store,
      paymentDecider,
      decodePaymentEvent,
      paymentStreamId('acme', paymentId),
    );
    return state;
  }

  describe('when the process dies after the one put, before anything else', () => {
    it('concludes the payment once: the redelivery finds the delivery linked', async () => {
      const delivery = await requestedAndCompleted('pay_died');
      const crashing = correlatorOn(
        storeAroundSuccess({
          after: () => Promise.reject(new Error('the process died after the put')),
        }),
      );

      await expect(crashing.handle(delivery)).rejects.toThrow('died after the put');
      await correlator.handle(delivery);
      await correlator.handle(delivery);

      const events = await paymentEvents('acme', 'pay_died');
      expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      const state = await paymentState('pay_died');
      expect(state.linkedDeliveries).toEqual([delivery.eventId]);
      expect(state).not.toHaveProperty('owedWebhookEffects');
    });
  });

  describe('when another writer takes the version the one put expected', () => {
    it('fails the put on its condition and decides again on the new state, once', async () => {
      const delivery = await requestedAndCompleted('pay_taken');
      const overtaken = correlatorOn(
        storeAroundSuccess({
          before: async () => {
            await command('acme', 'pay_taken', 'ResumeCharge', { by: 'reconcile' });
          },
        }),
      );

      await overtaken.handle(delivery);

      const events = await paymentEvents('acme', 'pay_taken');
      expect(events.map((e) => e.type)).toEqual([
        'PaymentRequested',
        'ChargeResumed',
        'PaymentSucceeded',
      ]);
      expect(events[2].data).toMatchObject({ webhook: { deliveryEventId: delivery.eventId } });
    });
  });

  describe('when two handlings of the same delivery race', () => {
    it('writes one event between them', async () => {
      const delivery = await requestedAndCompleted('pay_twice');

      await Promise.all([correlator.handle(delivery), correlatorOn(ledger.store).handle(delivery)]);

      expect((await paymentEvents('acme', 'pay_twice')).map((e) => e.type)).toEqual([
        'PaymentRequested',
        'PaymentSucceeded',
      ]);
    });
  });

  describe('when a stream written before the one-event link holds the link but not its effect', () => {
    /** The old correlator's first put: `WebhookLinked` (applied) alone, its success still owed. */
    async function linkedTheOldWay(paymentId: string, delivery: StoredEvent): Promise<void> {
      const received = decodeWebhookReceived(delivery);
      const { version } = (await ledger.store.readHead(paymentStreamId('acme', paymentId)))!;
      await ledger.store.append(paymentStreamId('acme', paymentId), version, [
        {
          type: 'WebhookLinked',
          schemaVersion: 1,
          data: {
            deliveryEventId: delivery.eventId,
            deliveryStreamId: delivery.streamId,
            provider: received.provider,
            deliveryId: received.deliveryId,
            providerEventType: 'payment.completed',
            intent: 'payment_succeeded',
            receivedAt: received.receivedAt,
            effect: 'applied',
            at: NOW,
          },
          metadata: { tenantId: 'acme', causationId: delivery.eventId, actor: 'correlator' },
        },
      ]);
    }

    it('writes the owed success alone, once, when the delivery is handled again', async () => {
      const delivery = await requestedAndCompleted('pay_cut');
      await linkedTheOldWay('pay_cut', delivery);
      expect((await paymentState('pay_cut')).owedWebhookEffects).toEqual([delivery.eventId]);

      await correlator.handle(delivery);
      await correlator.handle(delivery);

      const events = await paymentEvents('acme', 'pay_cut');
      expect(events.map((e) => e.type)).toEqual([
        'PaymentRequested',
        'WebhookLinked',
        'PaymentSucceeded',
      ]);
      expect(events[2].data).toMatchObject({ source: 'webhook', gatewayTransactionId: 'tx_cut' });
      expect(events[2].data).not.toHaveProperty('webhook');
      const state = await paymentState('pay_cut');
      expect(state.status).toBe('succeeded');
      expect(state.linkedDeliveries).toEqual([delivery.eventId]);
      expect(state).not.toHaveProperty('owedWebhookEffects');
    });

    it('writes it after another writer took the version between the puts', async () => {
      const delivery = await requestedAndCompleted('pay_race');
      await linkedTheOldWay('pay_race', delivery);
      await command('acme', 'pay_race', 'ResumeCharge', { by: 'reconcile' });

      await correlator.handle(delivery);

      expect((await paymentEvents('acme', 'pay_race')).map((e) => e.type)).toEqual([
        'PaymentRequested',
        'WebhookLinked',
        'ChargeResumed',
        'PaymentSucceeded',
      ]);
    });

    it('writes nothing more once the old effect is there too', async () => {
      const delivery = await requestedAndCompleted('pay_whole');
      await linkedTheOldWay('pay_whole', delivery);
      await correlator.handle(delivery);

      await correlator.handle(delivery);

      expect((await paymentEvents('acme', 'pay_whole')).map((e) => e.type)).toEqual([
        'PaymentRequested',
        'WebhookLinked',
        'PaymentSucceeded',
      ]);
    });
  });

  describe('when the delivery overtakes the gateway answer that carries its transaction id', () => {
    it('waits, then lands on the right payment once the answer is recorded', async () => {
      await command('acme', 'pay_late', 'RequestPayment', {
        paymentId: 'pay_late',
        amount: 500,
        currency: 'EUR',
      });
      const delivery = await deliver({
        id: 'evt_l1',
        type: 'payment.completed',
        data: { transactionId: 'tx_late' },
      });

      await correlator.handle(delivery);
      expect((await paymentEvents('acme', 'pay_late')).map((e) => e.type)).toEqual([
        'PaymentRequested',
      ]);

      const attempt = await command('acme', 'pay_late', 'RecordGatewayAttempt', {
        operation: 'charge',
        attempt: 1,
        idempotencyKey: 'k-late',
        method: 'POST',
        path: '/charges',
        startedAt: NOW,
        durationMs: 12,
        outcome: 'succeeded',
        httpStatus: 201,
        gatewayTransactionId: 'tx_late',
        breakerState: 'closed',
      });
      const recorded = (await paymentEvents('acme', 'pay_late')).find(
        (e) => e.version === attempt.version,
      );
      await correlator.handle(recorded!);

      const types = (await paymentEvents('acme', 'pay_late')).map((e) => e.type);
      expect(types).toEqual(['PaymentRequested', 'GatewayCallAttempted', 'PaymentSucceeded']);
    });
  });

  describe('when the delivery names a payment that does not exist yet', () => {
    it('keeps it and links it when the payment is requested', async () => {
      const delivery = await deliver({
        id: 'evt_e1',
        type: 'payment.failed',
        data: { paymentId: 'pay_early', reason: 'insufficient_funds' },
      });

      await correlator.handle(delivery);
      await command('acme', 'pay_early', 'RequestPayment', {
        paymentId: 'pay_early',
        amount: 700,
        currency: 'USD',
      });
      const [requested] = await paymentEvents('acme', 'pay_early');
      await correlator.handle(requested);

      const events = await paymentEvents('acme', 'pay_early');
      expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentFailed']);
      expect(events[1].data).toMatchObject({
        reason: 'insufficient_funds',
        source: 'webhook',
        webhook: { deliveryEventId: delivery.eventId, intent: 'payment_failed' },
      });
    });
  });

  describe('when the event type is unknown to the ledger', () => {
    it('links the delivery flagged unhandled and leaves the state alone', async () => {
      await command('acme', 'pay_unk', 'RequestPayment', {
        paymentId: 'pay_unk',
        amount: 100,
        currency: 'EUR',
      });
      const delivery = await deliver({
        id: 'evt_u1',
        type: 'payment.disputed',
        data: { paymentId: 'pay_unk' },
      });

      await correlator.handle(delivery);

      const events = await paymentEvents('acme', 'pay_unk');
      expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'WebhookLinked']);
      expect(events[1].data).toMatchObject({
        effect: 'unhandled',
        providerEventType: 'payment.disputed',
      });
    });
  });

  describe("when another tenant's provider names this tenant's payment", () => {
    it('never links across tenants', async () => {
      await command('acme', 'pay_private', 'RequestPayment', {
        paymentId: 'pay_private',
        amount: 100,
        currency: 'EUR',
      });
      const delivery = await deliver(
        { id: 'evt_x1', type: 'payment.completed', data: { paymentId: 'pay_private' } },
        'other',
      );

      await correlator.handle(delivery);

      expect((await paymentEvents('acme', 'pay_private')).map((e) => e.type)).toEqual([
        'PaymentRequested',
      ]);
      expect(await paymentEvents('globex', 'pay_private')).toEqual([]);
    });
  });
  describe("when a delivery names another account's payment and shares this tenant's order id", () => {
    it("does not conclude this tenant's payment through the order id", async () => {
      await command('acme', 'pay_acme_o', 'RequestPayment', {
        paymentId: 'pay_acme_o',
        amount: 1000,
        currency: 'EUR',
        orderId: 'ord-shared',
      });
      const [requested] = await paymentEvents('acme', 'pay_acme_o');
      await correlator.handle(requested);
      // globex's charge, as a shared gateway account once sent it to acme's provider.
      const delivery = await deliver({
        id: 'evt_g1',
        type: 'payment.completed',
        data: {
          paymentId: 'pay_globex_o',
          transactionId: 'tx_globex_o',
          orderId: 'ord-shared',
          amount: 1000,
          currency: 'EUR',
        },
      });

      await correlator.handle(delivery);

      expect((await paymentEvents('acme', 'pay_acme_o')).map((e) => e.type)).toEqual([
        'PaymentRequested',
      ]);
      expect(await paymentEvents('acme', 'pay_globex_o')).toEqual([]);
    });
  });

  describe('when a delivery is matched by its order id alone', () => {
    async function requestWithOrder(paymentId: string, orderId: string, amount: number) {
      await command('acme', paymentId, 'RequestPayment', {
        paymentId,
        amount,
        currency: 'EUR',
        orderId,
      });
      const [requested] = await paymentEvents('acme', paymentId);
      await correlator.handle(requested);
    }

    const byOrder = (id: string, orderId: string, amount: number, currency = 'eur') =>
      deliver({ id, type: 'payment.completed', data: { orderId, amount, currency } });

    it('links it when exactly one payment carries the order and amount and currency agree', async () => {
      await requestWithOrder('pay_o_one', 'ord-one', 1500);

      await correlator.handle(await byOrder('evt_o1', 'ord-one', 1500));

      expect((await paymentEvents('acme', 'pay_o_one')).map((e) => e.type)).toEqual([
        'PaymentRequested',
        'PaymentSucceeded',
      ]);
    });

    it.each([
      ['the amount differs', 1499, 'EUR'],
      ['the currency differs', 1500, 'USD'],
    ])('leaves it unmatched when %s', async (_case, amount, currency) => {
      const orderId = `ord-${amount}-${currency}`;
      await requestWithOrder(`pay_o_${amount}_${currency}`, orderId, 1500);

      await correlator.handle(await byOrder(`evt_${orderId}`, orderId, amount, currency));

      expect(
        (await paymentEvents('acme', `pay_o_${amount}_${currency}`)).map((e) => e.type),
      ).toEqual(['PaymentRequested']);
    });

    it('leaves it unmatched when several payments carry the order', async () => {
      await requestWithOrder('pay_o_twin1', 'ord-twin', 900);
      await requestWithOrder('pay_o_twin2', 'ord-twin', 900);

      await correlator.handle(await byOrder('evt_twin', 'ord-twin', 900));

      for (const paymentId of ['pay_o_twin1', 'pay_o_twin2']) {
        expect((await paymentEvents('acme', paymentId)).map((e) => e.type)).toEqual([
          'PaymentRequested',
        ]);
      }
    });

    it('links a delivery that came first once its one payment is requested', async () => {
      const delivery = await byOrder('evt_o_early', 'ord-early', 300);
      await correlator.handle(delivery);

      await requestWithOrder('pay_o_early', 'ord-early', 300);

      expect((await paymentEvents('acme', 'pay_o_early')).map((e) => e.type)).toEqual([
        'PaymentRequested',
        'PaymentSucceeded',
      ]);
    });
  });
});
