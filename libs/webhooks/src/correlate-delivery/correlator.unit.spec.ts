import { type StoredEvent } from '@ledger/event-store';
import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import {
  decodePaymentEvent,
  paymentDecider,
  paymentStreamId,
  type GatewayAttemptData,
  type PaymentCommand,
  handleCommand,
} from '@ledger/ledger';
import { InMemoryCorrelationIndex } from '../infrastructure/in-memory-correlation-index';
import {
  WEBHOOK_RECEIVED,
  deliveryStreamId,
  type WebhookReceivedData,
} from '../receive-webhook/webhook.events';
import { Correlator } from './correlator.consumer';

const NOW = '2026-05-01T10:00:00.000Z';

/**
 * The correlator on the in-memory twins: which payment a delivery reaches, by the #12 tenant rule
 * (only inside its provider's tenant) and the order-id rule (exactly one agreeing payment).
 */
describe('Correlator (in memory)', () => {
  let store: InMemoryEventStore;
  let index: InMemoryCorrelationIndex;
  let correlator: Correlator;
  let deliveries = 0;

  beforeEach(() => {
    store = new InMemoryEventStore({ clock: () => new Date(NOW) });
    index = new InMemoryCorrelationIndex();
    correlator = new Correlator(store, index, () => new Date(NOW));
  });

  /** Stores a verified delivery of `tenantId`'s provider, as the receiver would, and returns it. */
  async function deliver(tenantId: string, payload: object): Promise<StoredEvent> {
    deliveries += 1;
    const deliveryId = `dlv_${deliveries}`;
    const body = Buffer.from(JSON.stringify(payload));
    const data: WebhookReceivedData = {
      provider: `${tenantId}-provider`,
      scheme: 'hmac-sha256',
      deliveryId,
      deliveryIdSource: 'payload',
      body,
      bodySha256: 'not-checked-here',
      bodyBytes: body.length,
      contentType: 'application/json',
      headers: {},
      receivedAt: NOW,
      sourceIp: '127.0.0.1',
    };
    const started = await store.startStream(
      deliveryStreamId(tenantId, `${tenantId}-provider`, deliveryId),
      { type: WEBHOOK_RECEIVED, data, metadata: { tenantId } },
    );
    if (!started.created) throw new Error('delivery ids are unique in this spec');
    return started.event;
  }

  /** Runs a payment command, and hands every event it wrote to the correlator, as the stream would. */
  async function command(
    tenantId: string,
    paymentId: string,
    type: PaymentCommand['type'],
    data: object,
  ): Promise<void> {
    const streamId = paymentStreamId(tenantId, paymentId);
    const before = (await store.readHead(streamId))?.version ?? 0;
    await handleCommand(store, paymentDecider, decodePaymentEvent, streamId, {
      type,
      data,
      metadata: { now: NOW, tenantId },
    } as PaymentCommand);
    for await (const event of store.readWholeStream(streamId, before + 1)) {
      await correlator.handle(event);
    }
  }

  const request = (tenantId: string, paymentId: string, extra: object = {}) =>
    command(tenantId, paymentId, 'RequestPayment', {
      paymentId,
      amount: 1000,
      currency: 'EUR',
      ...extra,
    });

  /** A charge the gateway answered with success, bringing its transaction id. */
  const chargeAnswered = (
    idempotencyKey: string,
    gatewayTransactionId: string,
  ): GatewayAttemptData => ({
    operation: 'charge',
    attempt: 1,
    idempotencyKey,
    method: 'POST',
    path: '/charges',
    startedAt: NOW,
    durationMs: 10,
    outcome: 'succeeded',
    httpStatus: 202,
    gatewayTransactionId,
    breakerState: 'closed',
  });

  async function typesOf(tenantId: string, paymentId: string): Promise<string[]> {
    const { events } = await store.readStream(paymentStreamId(tenantId, paymentId));
    return events.map((event) => event.type);
  }

  describe('when a delivery names a payment of its own tenant', () => {
    it('links it and applies it once, however often it is handed over', async () => {
      await request('acme', 'pay_1');
      const delivery = await deliver('acme', {
        id: 'evt_1',
        type: 'payment.completed',
        data: { paymentId: 'pay_1', transactionId: 'tx_1' },
      });

      await correlator.handle(delivery);
      await correlator.handle(delivery);

      const { events } = await store.readStream(paymentStreamId('acme', 'pay_1'));
      expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(events[1].data).toMatchObject({
        source: 'webhook',
        webhook: {
          deliveryEventId: delivery.eventId,
          deliveryId: 'dlv_1',
          provider: 'acme-provider',
        },
      });
      expect(events[1].metadata).toMatchObject({
        causationId: delivery.eventId,
        actor: 'correlator',
      });
    });
  });

  describe("when a delivery names another tenant's payment", () => {
    it('never links across tenants, and waits for a payment of its own tenant', async () => {
      await request('globex', 'pay_shared');
      const delivery = await deliver('acme', {
        id: 'evt_x',
        type: 'payment.completed',
        data: { paymentId: 'pay_shared' },
      });

      await correlator.handle(delivery);

      expect(await typesOf('globex', 'pay_shared')).toEqual(['PaymentRequested']);
      expect(await typesOf('acme', 'pay_shared')).toEqual([]);
      expect(await index.pendingFor('acme', { kind: 'payment', value: 'pay_shared' })).toEqual([
        { deliveryStreamId: delivery.streamId, deliveryEventId: delivery.eventId },
      ]);
    });

    it("does not fall back to the order id this tenant's payment shares", async () => {
      await request('acme', 'pay_mine', { orderId: 'order-shared' });
      const delivery = await deliver('acme', {
        id: 'evt_y',
        type: 'payment.completed',
        data: {
          paymentId: 'pay_elsewhere',
          orderId: 'order-shared',
          amount: 1000,
          currency: 'EUR',
        },
      });

      await correlator.handle(delivery);

      expect(await typesOf('acme', 'pay_mine')).toEqual(['PaymentRequested']);
    });

    it("does not link by a transaction id only another tenant's payment carries", async () => {
      await request('globex', 'pay_g');
      await command('globex', 'pay_g', 'ConcludeCharge', {
        outcome: 'succeeded',
        gatewayTransactionId: 'tx_globex',
        source: 'gateway_response',
      });
      const delivery = await deliver('acme', {
        id: 'evt_t',
        type: 'payment.refunded',
        data: { transactionId: 'tx_globex', amount: 1000, currency: 'EUR' },
      });

      await correlator.handle(delivery);

      expect(await typesOf('globex', 'pay_g')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
    });
  });

  describe('when a delivery is matched by its order id alone', () => {
    const byOrder = (orderId: string, amount = 1000, currency = 'EUR') =>
      deliver('acme', {
        id: `evt_${orderId}`,
        type: 'payment.completed',
        data: { orderId, amount, currency },
      });

    it('links it when exactly one payment carries the order and amount and currency agree', async () => {
      await request('acme', 'pay_o1', { orderId: 'order-1' });

      await correlator.handle(await byOrder('order-1', 1000, 'eur'));

      expect(await typesOf('acme', 'pay_o1')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
    });

    it('leaves it unmatched when the amount or currency differs', async () => {
      await request('acme', 'pay_o2', { orderId: 'order-2' });

      await correlator.handle(await byOrder('order-2', 999));
      await correlator.handle(
        await deliver('acme', {
          id: 'evt_nocur',
          type: 'payment.completed',
          data: { orderId: 'order-2', amount: 1000 },
        }),
      );

      expect(await typesOf('acme', 'pay_o2')).toEqual(['PaymentRequested']);
    });

    it('leaves it unmatched when several payments carry the order', async () => {
      await request('acme', 'pay_o3a', { orderId: 'order-3' });
      await request('acme', 'pay_o3b', { orderId: 'order-3' });

      await correlator.handle(await byOrder('order-3'));

      expect(await typesOf('acme', 'pay_o3a')).toEqual(['PaymentRequested']);
      expect(await typesOf('acme', 'pay_o3b')).toEqual(['PaymentRequested']);
    });

    it('counts only payments of its own tenant', async () => {
      await request('acme', 'pay_o4', { orderId: 'order-4' });
      await request('globex', 'pay_o4g', { orderId: 'order-4' });

      await correlator.handle(await byOrder('order-4'));

      expect(await typesOf('acme', 'pay_o4')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(await typesOf('globex', 'pay_o4g')).toEqual(['PaymentRequested']);
    });

    it('links a delivery that came first once its one payment is requested', async () => {
      const delivery = await byOrder('order-5');
      await correlator.handle(delivery);

      await request('acme', 'pay_o5', { orderId: 'order-5' });

      expect(await typesOf('acme', 'pay_o5')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(await index.pendingFor('acme', { kind: 'order', value: 'order-5' })).toEqual([]);
    });
  });

  describe('when a delivery overtakes the payment it names', () => {
    it('waits, then lands on the payment once it is requested', async () => {
      const delivery = await deliver('acme', {
        id: 'evt_early',
        type: 'payment.completed',
        data: { paymentId: 'pay_later' },
      });
      await correlator.handle(delivery);
      // Nothing written to the payment it names; the delivery waits for it.
      expect(await typesOf('acme', 'pay_later')).toEqual([]);
      expect(await index.pendingFor('acme', { kind: 'payment', value: 'pay_later' })).toEqual([
        { deliveryStreamId: delivery.streamId, deliveryEventId: delivery.eventId },
      ]);

      await request('acme', 'pay_later');

      expect(await typesOf('acme', 'pay_later')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
    });

    it('waits for the transaction id, then lands once the gateway answer brings it', async () => {
      await request('acme', 'pay_tx');
      const delivery = await deliver('acme', {
        id: 'evt_tx',
        type: 'payment.completed',
        data: { transactionId: 'tx_late' },
      });
      await correlator.handle(delivery);
      expect(await typesOf('acme', 'pay_tx')).toEqual(['PaymentRequested']);

      await command('acme', 'pay_tx', 'RecordGatewayAttempt', {
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

      expect(await typesOf('acme', 'pay_tx')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
    });
  });

  describe('when a delivery names a payment the ledger already knows', () => {
    it('writes nothing to the correlation index: no waiting entry to delete, no link again', async () => {
      await request('acme', 'pay_w');
      await command('acme', 'pay_w', 'RecordGatewayAttempt', chargeAnswered('k-w', 'tx_w'));
      const writes: string[] = [];
      const link = index.link.bind(index);
      const removePending = index.removePending.bind(index);
      index.link = (...args) => (writes.push('link'), link(...args));
      index.removePending = (...args) => (writes.push('removePending'), removePending(...args));
      const delivery = await deliver('acme', {
        id: 'evt_w',
        type: 'payment.completed',
        data: { paymentId: 'pay_w', transactionId: 'tx_w' },
      });

      await correlator.handle(delivery);
      // The outcome it appended repeats the transaction id, as the stream then hands it over.
      for await (const event of store.readWholeStream(paymentStreamId('acme', 'pay_w'), 3)) {
        await correlator.handle(event);
      }

      expect(await typesOf('acme', 'pay_w')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
      expect(writes).toEqual([]);
    });
  });

  describe('when a delivery names a payment by its ledger id', () => {
    /** The event store's reads of `streamId` while `run` runs (a whole-stream read pages within). */
    async function readsOf(streamId: string, run: () => Promise<void>): Promise<string[]> {
      const reads: string[] = [];
      const readHead = store.readHead.bind(store);
      const readWholeStream = store.readWholeStream.bind(store);
      store.readHead = (id) => (id === streamId && reads.push('readHead'), readHead(id));
      store.readWholeStream = (id, from) => (
        id === streamId && reads.push('readWholeStream'),
        readWholeStream(id, from)
      );
      try {
        await run();
      } finally {
        store.readHead = readHead;
        store.readWholeStream = readWholeStream;
      }
      return reads;
    }

    it("reads the payment's stream once to find it and decide", async () => {
      await request('acme', 'pay_once');
      const delivery = await deliver('acme', {
        id: 'evt_once',
        type: 'payment.completed',
        data: { paymentId: 'pay_once', transactionId: 'tx_once' },
      });

      const reads = await readsOf(paymentStreamId('acme', 'pay_once'), () =>
        correlator.handle(delivery),
      );

      expect(reads).toEqual(['readWholeStream']);
      expect(await typesOf('acme', 'pay_once')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
    });

    it("reads the payment's stream once to land a delivery that waited for it", async () => {
      const delivery = await deliver('acme', {
        id: 'evt_waited',
        type: 'payment.completed',
        data: { paymentId: 'pay_waited' },
      });
      await correlator.handle(delivery);
      const streamId = paymentStreamId('acme', 'pay_waited');
      await handleCommand(store, paymentDecider, decodePaymentEvent, streamId, {
        type: 'RequestPayment',
        data: { paymentId: 'pay_waited', amount: 1000, currency: 'EUR' },
        metadata: { now: NOW, tenantId: 'acme' },
      });
      const [requested] = (await store.readStream(streamId)).events;

      const reads = await readsOf(streamId, () => correlator.handle(requested));

      expect(reads).toEqual(['readWholeStream']);
      expect(await typesOf('acme', 'pay_waited')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
    });
  });

  describe("when a payment's later events repeat a transaction id it is linked by", () => {
    it('reads neither the link again nor the waiting list more than once', async () => {
      await request('acme', 'pay_r');
      const reads: string[] = [];
      const linked = index.linked.bind(index);
      const pendingFor = index.pendingFor.bind(index);
      index.linked = (...args) => (reads.push(`linked ${args[1].kind}`), linked(...args));
      index.pendingFor = (...args) => (reads.push(`pending ${args[1].kind}`), pendingFor(...args));
      await command('acme', 'pay_r', 'RecordGatewayAttempt', chargeAnswered('k-r-1', 'tx_r'));
      const afterFirst = [...reads];
      const delivery = await deliver('acme', {
        id: 'evt_r',
        type: 'payment.completed',
        data: { paymentId: 'pay_r', transactionId: 'tx_r' },
      });
      await correlator.handle(delivery);
      reads.length = 0;
      // A later event repeating the transaction id: the outcome the delivery appended.
      await correlator.handle(
        (await store.readStream(paymentStreamId('acme', 'pay_r'), { fromVersion: 3 })).events[0],
      );

      // The first event links it and reads who waits; the later one reads only the link.
      expect(afterFirst).toEqual(['linked transaction', 'pending transaction']);
      expect(reads).toEqual(['linked transaction']);
    });

    it('reads the waiting list again when the event that linked it is handed over again', async () => {
      // Arrange: a delivery waits for a transaction id; the gateway's answer brings it, and its
      // first handling wrote the link, then stopped (a crash) before reading who waits.
      const delivery = await deliver('acme', {
        id: 'evt_s',
        type: 'payment.completed',
        data: { transactionId: 'tx_s' },
      });
      await correlator.handle(delivery);
      await request('acme', 'pay_s');
      const streamId = paymentStreamId('acme', 'pay_s');
      await handleCommand(store, paymentDecider, decodePaymentEvent, streamId, {
        type: 'RecordGatewayAttempt',
        data: chargeAnswered('k-s', 'tx_s'),
        metadata: { now: NOW, tenantId: 'acme' },
      });
      const [answer] = (await store.readStream(streamId, { fromVersion: 2 })).events;
      const ref = { kind: 'transaction' as const, value: 'tx_s' };
      await index.link('acme', ref, { paymentId: 'pay_s', linkedBy: answer.eventId });

      // Act: the stream hands the event over again.
      await correlator.handle(answer);

      // Assert
      expect(await typesOf('acme', 'pay_s')).toContain('PaymentSucceeded');
      expect(await index.pendingFor('acme', ref)).toEqual([]);
    });
  });

  describe('when its records come in a batch', () => {
    const batchOf = (events: StoredEvent[]) => ({ events, memo: new Map(), following: [] });

    /** The correlation index's reads (and batch reads) while `run` runs. */
    async function indexReads(run: () => Promise<void>): Promise<string[]> {
      const reads: string[] = [];
      const linked = index.linked.bind(index);
      const pendingFor = index.pendingFor.bind(index);
      const entries = index.entries.bind(index);
      index.linked = (...args) => (reads.push(`linked ${args[1].kind}`), linked(...args));
      index.pendingFor = (...args) => (reads.push(`pending ${args[1].kind}`), pendingFor(...args));
      index.entries = (keys) => (reads.push(`entries ${keys.length}`), entries(keys));
      try {
        await run();
      } finally {
        index.linked = linked;
        index.pendingFor = pendingFor;
        index.entries = entries;
      }
      return reads;
    }

    const completed = (paymentId: string, transactionId: string) =>
      deliver('acme', {
        id: `evt_${paymentId}`,
        type: 'payment.completed',
        data: { paymentId, transactionId },
      });

    it('reads the waiting entries and transaction links of the whole batch at once', async () => {
      // Arrange
      await request('acme', 'pay_b1');
      await request('acme', 'pay_b2');
      const deliveries = [await completed('pay_b1', 'tx_b1'), await completed('pay_b2', 'tx_b2')];

      // Act: the deliveries in one batch, then the outcomes they appended in the next.
      const arrival = await indexReads(async () => {
        const batch = batchOf(deliveries);
        for (const delivery of deliveries) await correlator.handle(delivery, batch);
      });
      const outcomes = [
        ...(await store.readStream(paymentStreamId('acme', 'pay_b1'), { fromVersion: 2 })).events,
        ...(await store.readStream(paymentStreamId('acme', 'pay_b2'), { fromVersion: 2 })).events,
      ];
      const linking = await indexReads(async () => {
        const batch = batchOf(outcomes);
        for (const outcome of outcomes) await correlator.handle(outcome, batch);
      });

      // Assert: one batch read each; the waiting list is still read after each new link.
      expect(arrival).toEqual(['entries 2']);
      expect(linking).toEqual(['entries 2', 'pending transaction', 'pending transaction']);
      expect(await typesOf('acme', 'pay_b1')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(await index.linked('acme', { kind: 'transaction', value: 'tx_b2' })).toEqual([
        { paymentId: 'pay_b2', linkedBy: outcomes[1].eventId },
      ]);
    });

    it('deletes a waiting entry an earlier, crashed attempt left, as the batch read found it', async () => {
      // Arrange: an attempt wrote the entry, then died before it could resolve again.
      await request('acme', 'pay_crash');
      const delivery = await completed('pay_crash', 'tx_crash');
      const ref = { kind: 'payment' as const, value: 'pay_crash' };
      await index.addPending('acme', ref, {
        deliveryStreamId: delivery.streamId,
        deliveryEventId: delivery.eventId,
      });

      // Act
      await correlator.handle(delivery, batchOf([delivery]));

      // Assert
      expect(await typesOf('acme', 'pay_crash')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(await index.pendingFor('acme', ref)).toEqual([]);
    });

    it('reads for each record itself when the batch read fails', async () => {
      // Arrange
      await request('acme', 'pay_down');
      const delivery = await completed('pay_down', 'tx_down');
      const ref = { kind: 'payment' as const, value: 'pay_down' };
      await index.addPending('acme', ref, {
        deliveryStreamId: delivery.streamId,
        deliveryEventId: delivery.eventId,
      });
      index.entries = () => Promise.reject(new Error('the store is unreachable'));

      // Act
      await correlator.handle(delivery, batchOf([delivery]));

      // Assert
      expect(await typesOf('acme', 'pay_down')).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(await index.pendingFor('acme', ref)).toEqual([]);
    });
  });

  describe('when a delivery waited and its payment then became known', () => {
    it('deletes the waiting entry it left', async () => {
      const delivery = await deliver('acme', {
        id: 'evt_p',
        type: 'payment.completed',
        data: { transactionId: 'tx_p' },
      });
      await correlator.handle(delivery);
      expect(await index.pendingFor('acme', { kind: 'transaction', value: 'tx_p' })).toHaveLength(
        1,
      );

      await request('acme', 'pay_p');
      await command('acme', 'pay_p', 'RecordGatewayAttempt', chargeAnswered('k-p', 'tx_p'));

      expect(await typesOf('acme', 'pay_p')).toContain('PaymentSucceeded');
      expect(await index.pendingFor('acme', { kind: 'transaction', value: 'tx_p' })).toEqual([]);
    });
  });
});
