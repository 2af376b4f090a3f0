import { HttpPaymentGateway } from '@ledger/outbound';
import { paymentStreamId } from '@ledger/ledger';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import type { StoredEvent } from '@ledger/event-store';
import { createTestApi, type TestApi } from '../testing/test-api';

const GATEWAY_KEY = 'sandbox-test-key-not-real';
const ACME = { authorization: 'Bearer test-key-acme-0000' };
const GLOBEX = { authorization: 'Bearer test-key-globex-000' };

describe('payment commands', () => {
  let ledger: TestLedger;
  let sandbox: RunningSandboxGateway;
  let api: TestApi;
  let keys = 0;

  beforeAll(async () => {
    ledger = await createTestLedger('payments');
    sandbox = await startSandboxGateway({ port: 0, apiKey: GATEWAY_KEY });
    const gateway = new HttpPaymentGateway({
      baseUrl: sandbox.url,
      apiKey: GATEWAY_KEY,
      attemptTimeoutMs: 400,
      deadlineMs: 3_000,
      baseDelayMs: 10,
      capMs: 50,
      breakerThreshold: 50,
    });
    api = await createTestApi(ledger, { gateway });
  });

  afterEach(() => {
    sandbox.setFaults({ latencyMs: 0 });
  });

  afterAll(async () => {
    await api.close();
    await sandbox.stop();
    await ledger.close();
  });

  function createPayment(body: object, key = `key-${++keys}`, headers: object = ACME) {
    return api.app.inject({
      method: 'POST',
      url: '/payments',
      headers: { ...headers, 'idempotency-key': key, 'content-type': 'application/json' },
      payload: body,
    });
  }

  async function events(tenantId: string, paymentId: string): Promise<StoredEvent[]> {
    return (await ledger.store.readStream(paymentStreamId(tenantId, paymentId))).events;
  }

  describe('when a payment is created', () => {
    it('charges it through the gateway and answers succeeded with the version', async () => {
      const response = await createPayment({ amount: 1250, currency: 'EUR', orderId: 'ord-1' });

      expect(response.statusCode).toBe(201);
      const body = response.json<{ paymentId: string; status: string; version: number }>();
      expect(body).toMatchObject({ status: 'succeeded', version: 3 });
      expect((await events('acme', body.paymentId)).map((e) => e.type)).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
    });

    it('records a definitive decline as failed', async () => {
      const response = await createPayment({ amount: 1002, currency: 'EUR' });

      expect(response.json()).toMatchObject({ status: 'failed' });
    });
  });

  describe('when the gateway answers 500, 500, then 201', () => {
    it('records three attempts with one idempotency key and charges once', async () => {
      const before = sandbox.stats().chargesCreated;
      sandbox.script([{ status: 500 }, { status: 500 }]);

      const response = await createPayment({ amount: 700, currency: 'EUR' });

      const { paymentId, status } = response.json<{ paymentId: string; status: string }>();
      const attempts = (await events('acme', paymentId)).filter(
        (e) => e.type === 'GatewayCallAttempted',
      );
      expect(status).toBe('succeeded');
      expect(attempts.map((a) => [a.data.attempt, a.data.outcome, a.data.httpStatus])).toEqual([
        [1, 'http_error', 500],
        [2, 'http_error', 500],
        [3, 'succeeded', 201],
      ]);
      expect(new Set(attempts.map((a) => a.data.idempotencyKey)).size).toBe(1);
      expect(
        sandbox.stats().requestsByIdempotencyKey[String(attempts[0].data.idempotencyKey)],
      ).toBe(3);
      expect(sandbox.stats().chargesCreated).toBe(before + 1);
    });
  });

  describe('when the gateway charges but never answers', () => {
    it('answers outcome_unknown, never failed, and reconcile settles it from the gateway', async () => {
      sandbox.script([
        { hang: true, afterProcessing: true },
        { hang: true },
        { hang: true },
        { hang: true },
      ]);

      const created = await createPayment({ amount: 900, currency: 'EUR' });
      const { paymentId, status } = created.json<{ paymentId: string; status: string }>();
      const reconciled = await api.app.inject({
        method: 'POST',
        url: `/payments/${paymentId}/reconcile`,
        headers: ACME,
      });

      expect(status).toBe('outcome_unknown');
      const attempts = (await events('acme', paymentId)).filter(
        (e) => e.type === 'GatewayCallAttempted',
      );
      expect(attempts.every((a) => a.data.outcome === 'timeout')).toBe(true);
      expect(reconciled.statusCode).toBe(200);
      expect(reconciled.json()).toMatchObject({ paymentId, status: 'succeeded' });
      const types = (await events('acme', paymentId)).map((e) => e.type);
      expect(types.filter((t) => t === 'PaymentSucceeded')).toHaveLength(1);
      expect(types).toContain('PaymentOutcomeUnknown');
    });
  });

  describe('when a request is repeated with its Idempotency-Key', () => {
    it('returns the first response for the same body without charging again', async () => {
      const first = await createPayment({ amount: 300, currency: 'USD' }, 'repeat-1');
      const charges = sandbox.stats().chargesCreated;

      const again = await createPayment({ amount: 300, currency: 'USD' }, 'repeat-1');

      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      expect(sandbox.stats().chargesCreated).toBe(charges);
    });

    it('refuses the same key with another body (422)', async () => {
      await createPayment({ amount: 300, currency: 'USD' }, 'repeat-2');

      const other = await createPayment({ amount: 301, currency: 'USD' }, 'repeat-2');

      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ code: 'idempotency_key_reused' });
    });

    it('answers 409 request_in_progress to a concurrent repeat', async () => {
      sandbox.setFaults({ latencyMs: 300 });

      const [a, b] = await Promise.all([
        createPayment({ amount: 400, currency: 'USD' }, 'concurrent-1'),
        createPayment({ amount: 400, currency: 'USD' }, 'concurrent-1'),
      ]);

      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
      expect([a, b].find((r) => r.statusCode === 409)?.json()).toMatchObject({
        code: 'request_in_progress',
      });
    });
  });

  describe('when the request is not acceptable', () => {
    it.each([
      [{ amount: -5, currency: 'EUR' }, 'validation_failed'],
      [{ amount: 10.5, currency: 'EUR' }, 'validation_failed'],
      [{ amount: 10, currency: 'EURO' }, 'validation_failed'],
      [{ amount: 10, currency: 'EUR', surprise: true }, 'validation_failed'],
    ])('refuses %j with 400 %s', async (body, code) => {
      const response = await createPayment(body);

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code });
    });

    it.each([
      [{}, ['amount is required', 'currency is required']],
      [{ amount: 'ten', currency: 'EUR' }, ['amount must be an integer (minor units)']],
      [{ amount: 10.5, currency: 'EUR' }, ['amount must be an integer (minor units)']],
      [{ amount: 1e12, currency: 'EUR' }, ['amount must not be greater than 100000000000']],
    ])('says only what is wrong with %j', async (body, errors) => {
      const response = await createPayment(body);

      expect(response.json()).toMatchObject({ code: 'validation_failed', errors });
    });

    it('needs an Idempotency-Key', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/payments',
        headers: ACME,
        payload: { amount: 10, currency: 'EUR' },
      });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'idempotency_key_missing' });
    });

    it('needs a valid API key', async () => {
      const missing = await createPayment({ amount: 10, currency: 'EUR' }, 'k', {});
      const wrong = await createPayment({ amount: 10, currency: 'EUR' }, 'k', {
        authorization: 'Bearer not-a-key-at-all',
      });

      expect([missing.statusCode, wrong.statusCode]).toEqual([401, 401]);
      expect(wrong.json()).toMatchObject({ code: 'unauthorized' });
    });
  });

  describe('when a captured payment is refunded', () => {
    it('refunds within the balance and refuses more than is left', async () => {
      const { paymentId } = (await createPayment({ amount: 1000, currency: 'EUR' })).json<{
        paymentId: string;
      }>();
      const refund = (amount: number, key: string, headers: object = ACME) =>
        api.app.inject({
          method: 'POST',
          url: `/payments/${paymentId}/refunds`,
          headers: { ...headers, 'idempotency-key': key },
          payload: { amount },
        });

      const partial = await refund(600, `refund-a-${paymentId}`);
      const excessive = await refund(500, `refund-b-${paymentId}`);
      const foreign = await refund(100, `refund-c-${paymentId}`, GLOBEX);

      expect(partial.statusCode).toBe(201);
      expect(partial.json()).toMatchObject({
        status: 'succeeded',
        paymentStatus: 'partially_refunded',
      });
      expect(excessive.statusCode).toBe(409);
      expect(excessive.json()).toMatchObject({ code: 'refund_exceeds_balance' });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json()).toMatchObject({ code: 'payment_not_found' });
    });
  });

  describe('when the stored events are read back', () => {
    it('holds no gateway API key anywhere', async () => {
      const all: StoredEvent[] = [];
      for await (const event of ledger.store.readAll()) all.push(event);

      expect(all.length).toBeGreaterThan(10);
      expect(JSON.stringify(all)).not.toContain(GATEWAY_KEY);
    });
  });
});
