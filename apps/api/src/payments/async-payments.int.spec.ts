import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { readPaymentStream, paymentStreamId, type PaymentState } from '@ledger/ledger';
import { createLogger } from '@ledger/observability';
import { HttpPaymentGateway } from '@ledger/outbound';
import { PaymentProjector } from '@ledger/projections';
import { projectionAdapters } from '@ledger/projections/aws';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { redriveParked, type StreamConsumer } from '@ledger/stream-consumer';
import {
  createDynamoDbStreamsClient,
  streamConsumerAdapters,
  type StreamPoller,
} from '@ledger/stream-consumer/aws';
import { composeCharger } from '@ledger/stream-processor-app';
import { TenantGateways } from '@ledger/outbound';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { createTestLedger, waitUntil, type TestLedger } from '@ledger/testing';
import { createTestApi, type TestApi } from '../testing/test-api';

const GATEWAY_KEY = 'sandbox-test-key-not-real';
const ACME = { authorization: 'Bearer test-key-acme-0000' };
const ASYNC = { prefer: 'respond-async, wait=10' };
/** The client's breaker: its half-open probe 4 s after it opened. */
const HALF_OPEN_AFTER_MS = 4_000;

describe('asynchronous payments, charged by the charger from the stream', () => {
  let ledger: TestLedger;
  let sandbox: RunningSandboxGateway;
  let gateway: HttpPaymentGateway;
  let api: TestApi;
  let streams: DynamoDBStreamsClient;
  let charger: StreamConsumer;
  const pollers: StreamPoller[] = [];

  beforeAll(async () => {
    ledger = await createTestLedger('async');
    sandbox = await startSandboxGateway({ port: 0, apiKey: GATEWAY_KEY });
    // One client for the API and the charger, as one process would have: one breaker.
    gateway = new HttpPaymentGateway({
      baseUrl: sandbox.url,
      apiKey: GATEWAY_KEY,
      // Generous per attempt: a busy machine must not look like a failing gateway.
      attemptTimeoutMs: 5_000,
      deadlineMs: 10_000,
      baseDelayMs: 10,
      capMs: 50,
      halfOpenAfterMs: HALF_OPEN_AFTER_MS,
    });
    const gateways = new TenantGateways(new Map([['acme', gateway]]));
    api = await createTestApi(ledger, { gateways });
    charger = composeCharger({
      storage: ledger.storage,
      logger: createLogger('silent'),
      eventBridge: createEventBridgeClient('http://127.0.0.1:1'),
      gateways,
    });
    streams = createDynamoDbStreamsClient(process.env.DYNAMODB_ENDPOINT);
    const adapters = streamConsumerAdapters(ledger.storage);
    const projector = new PaymentProjector(
      ledger.storage.eventStore,
      projectionAdapters(ledger.storage).liveDocuments(),
    );
    pollers.push(
      // The charger's retries, shortened but still outlasting the open breaker (about 8 s).
      adapters.poller({
        consumer: charger,
        streams,
        pollIntervalMs: 50,
        processor: { maxAttempts: 8, initialDelayMs: 300, maxDelayMs: 1_500 },
      }),
      adapters.poller({ consumer: projector, streams, pollIntervalMs: 50 }),
    );
    await Promise.all(pollers.map((poller) => poller.start()));
  });

  afterAll(async () => {
    await Promise.all(pollers.map((poller) => poller.stop()));
    streams?.destroy();
    await api?.close();
    await sandbox?.stop();
    await ledger?.close();
  });

  function post(url: string, key: string | undefined, payload: object, headers: object = {}) {
    return api.app.inject({
      method: 'POST',
      url,
      headers: {
        ...ACME,
        ...headers,
        ...(key !== undefined && { 'idempotency-key': key }),
        'content-type': 'application/json',
      },
      payload,
    });
  }

  async function stateOf(paymentId: string): Promise<PaymentState> {
    return (await readPaymentStream(ledger.store, paymentStreamId('acme', paymentId))).state;
  }

  async function waitForStatus(paymentId: string, status: string): Promise<void> {
    await waitUntil(async () => (await stateOf(paymentId)).status === status, {
      intervalMs: 100,
      what: `${paymentId} to be ${status}`,
    });
  }

  describe('when a payment is asked for with Prefer: respond-async', () => {
    it('answers 202 at once, the charger charges it, and a repeat in either mode gets the first 202', async () => {
      const accepted = await post('/payments', 'async-1', { amount: 1250, currency: 'EUR' }, ASYNC);
      const body = accepted.json<{ paymentId: string; status: string; version: number }>();
      await waitForStatus(body.paymentId, 'succeeded');
      const repeat = await post('/payments', 'async-1', { amount: 1250, currency: 'EUR' }, ASYNC);
      const syncRepeat = await post('/payments', 'async-1', { amount: 1250, currency: 'EUR' });
      const reused = await post('/payments', 'async-1', { amount: 99, currency: 'EUR' }, ASYNC);

      expect(accepted.statusCode).toBe(202);
      expect(body).toEqual({ paymentId: body.paymentId, status: 'requested', version: 1 });
      expect(accepted.headers.location).toBe(`/payments/${body.paymentId}`);
      expect(accepted.headers['preference-applied']).toBe('respond-async');
      for (const again of [repeat, syncRepeat]) {
        expect(again.statusCode).toBe(202);
        expect(again.json()).toEqual(body);
        expect(again.headers.location).toBe(`/payments/${body.paymentId}`);
      }
      expect(reused.statusCode).toBe(422);
      expect(sandbox.stats().chargesCreated).toBeGreaterThanOrEqual(1);
    });

    it('accepts a refund the same way, and the charger sends it', async () => {
      const paid = await post('/payments', 'async-2', { amount: 2000, currency: 'EUR' });
      const { paymentId } = paid.json<{ paymentId: string }>();

      const accepted = await post(
        `/payments/${paymentId}/refunds`,
        'async-2-r',
        { amount: 500 },
        ASYNC,
      );
      const { refundId } = accepted.json<{ refundId: string }>();
      await waitUntil(async () => (await stateOf(paymentId)).status === 'partially_refunded', {
        intervalMs: 100,
        what: 'the refund',
      });

      expect(paid.statusCode).toBe(201);
      expect(accepted.statusCode).toBe(202);
      expect(accepted.json()).toMatchObject({ refundId, status: 'requested' });
      expect(accepted.headers.location).toBe(`/payments/${paymentId}`);
    });
  });

  describe('when a batch of 100 holds 10 invalid items', () => {
    it('accepts 90 and refuses 10 with their own problem, and a repeat replays each item', async () => {
      const items = Array.from({ length: 100 }, (_, i) =>
        i % 10 === 3
          ? { idempotencyKey: `batch-${i}`, amount: -1, currency: 'EUR' }
          : // Multiples of 10: no amount the sandbox declines (those ending in 02 or 51).
            { idempotencyKey: `batch-${i}`, amount: 1000 + 10 * i, currency: 'EUR' },
      );

      const first = await post('/payments/batch', undefined, { items });
      const repeat = await post('/payments/batch', undefined, { items });
      const answers = first.json<{ items: { index: number; status: number; body: any }[] }>().items;
      const accepted = answers.filter((item) => item.status === 202);
      await waitUntil(
        async () => {
          const states = await Promise.all(accepted.map((a) => stateOf(a.body.paymentId)));
          return states.every((state) => state.status === 'succeeded');
        },
        { intervalMs: 500, what: 'the batch to be charged' },
      );

      expect(first.statusCode).toBe(207);
      expect(answers.map((item) => item.index)).toEqual(items.map((_, i) => i));
      expect(accepted).toHaveLength(90);
      const refused = answers.filter((item) => item.status === 400);
      expect(refused.map((item) => item.index)).toEqual([3, 13, 23, 33, 43, 53, 63, 73, 83, 93]);
      expect(refused[0]?.body).toMatchObject({ code: 'validation_failed', status: 400 });
      expect(repeat.statusCode).toBe(207);
      expect(repeat.json()).toEqual(first.json());
    });

    it('refuses the whole batch when two items share a key', async () => {
      const item = { idempotencyKey: 'dup', amount: 100, currency: 'EUR' };

      const response = await post('/payments/batch', undefined, { items: [item, item] });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
    });
  });

  describe('when the gateway keeps failing', () => {
    it('concludes outcome_unknown and parks the request; a redrive settles it', async () => {
      sandbox.setFaults({ serverErrorRate: 1 });
      const accepted = await post(
        '/payments',
        'async-fail',
        { amount: 3100, currency: 'EUR' },
        ASYNC,
      );
      const { paymentId } = accepted.json<{ paymentId: string }>();
      const { parkingLot } = streamConsumerAdapters(ledger.storage);
      const parkedFor = async () =>
        (await parkingLot.list('charger')).filter((r) => r.event.streamId.endsWith(paymentId));
      await waitUntil(async () => (await parkedFor()).length === 1, {
        intervalMs: 200,
        what: 'the request to be parked',
      });
      const whileParked = await stateOf(paymentId);

      sandbox.setFaults({ serverErrorRate: 0 });
      await waitUntil(
        async () => {
          await redriveParked(charger, parkingLot);
          return (await stateOf(paymentId)).status === 'succeeded';
        },
        { intervalMs: 500, what: 'the redrive to settle it once the breaker lets calls through' },
      );

      expect(whileParked.status).toBe('outcome_unknown');
      expect((await stateOf(paymentId)).status).toBe('succeeded');
      expect(await parkedFor()).toEqual([]);
    });
  });

  describe("when the gateway client's breaker is open", () => {
    it('reads answer, accepted payments wait as requested, then settle once it closes', async () => {
      const earlier = await post('/payments', 'before-open', { amount: 700, currency: 'EUR' });
      // Five 5xx in a row open it (the client's threshold); its retries make them one operation.
      sandbox.script(Array.from({ length: 5 }, () => ({ status: 500 })));
      await gateway.findCharge('pay_trip_the_breaker');
      await gateway.findCharge('pay_trip_the_breaker');
      expect(gateway.circuitState()).toBe('open');

      const accepted = await post(
        '/payments',
        'while-open',
        { amount: 4100, currency: 'EUR' },
        ASYNC,
      );
      const { paymentId } = accepted.json<{ paymentId: string }>();
      const read = await api.app.inject({
        method: 'GET',
        url: `/payments/${earlier.json<{ paymentId: string }>().paymentId}`,
        headers: ACME,
      });
      const list = await api.app.inject({ method: 'GET', url: '/payments', headers: ACME });
      const whileOpen = await stateOf(paymentId);
      const circuitThen = gateway.circuitState();
      // The projector shows it in /health's backlog while it waits.
      let backlog: { requested: number } | undefined;
      await waitUntil(
        async () => {
          const health = await api.app.inject({ method: 'GET', url: '/health' });
          backlog = health.json<{ backlog?: { requested: number } }>().backlog;
          return (
            (backlog?.requested ?? 0) >= 1 || (await stateOf(paymentId)).status !== 'requested'
          );
        },
        { intervalMs: 100, what: 'the backlog on /health' },
      );
      await waitForStatus(paymentId, 'succeeded');

      expect(accepted.statusCode).toBe(202);
      expect(circuitThen).toBe('open');
      expect(read.statusCode).toBe(200);
      expect(list.statusCode).toBe(200);
      expect(whileOpen.status).toBe('requested');
      expect(backlog?.requested).toBeGreaterThanOrEqual(1);
    });
  });
});
