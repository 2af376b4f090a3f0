import { paymentStreamId } from '@ledger/ledger';
import { StripePaymentGateway, type AttemptRecord, type CallContext } from '@ledger/outbound';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import type { StoredEvent } from '@ledger/event-store';
import { createTestApi, type TestApi } from '../testing/test-api';

// A Stripe test-mode key shape (the sandbox checks it like any key); not a real key.
const STRIPE_KEY = 'sk_test_sandbox_not_a_real_key';
const ACME = { authorization: 'Bearer test-key-acme-0000' };

/**
 * The Stripe adapter against the sandbox's Stripe mode (the official SDK on the wire, nothing
 * intercepted), alone and under the payments API.
 */
describe('payments through the Stripe adapter', () => {
  let ledger: TestLedger;
  let sandbox: RunningSandboxGateway;
  let gateway: StripePaymentGateway;
  let api: TestApi;
  let keys = 0;

  beforeAll(async () => {
    ledger = await createTestLedger('stripe-payments');
    sandbox = await startSandboxGateway({ port: 0, apiKey: STRIPE_KEY });
    gateway = new StripePaymentGateway({
      baseUrl: sandbox.url,
      apiKey: STRIPE_KEY,
      tenantId: 'acme',
      // Above a busy machine's slowest answer; the hang specs wait for it a few times.
      attemptTimeoutMs: 1_500,
      deadlineMs: 5_000,
      baseDelayMs: 10,
      capMs: 50,
      breakerThreshold: 50,
    });
    api = await createTestApi(ledger, { gateway });
  });

  afterAll(async () => {
    await api.close();
    await gateway.close();
    await sandbox.stop();
    await ledger.close();
  });

  function createPayment(body: object) {
    return api.app.inject({
      method: 'POST',
      url: '/payments',
      headers: { ...ACME, 'idempotency-key': `key-${++keys}`, 'content-type': 'application/json' },
      payload: body,
    });
  }

  async function attemptsOf(paymentId: string): Promise<StoredEvent[]> {
    const { events } = await ledger.store.readStream(paymentStreamId('acme', paymentId));
    return events.filter((e) => e.type === 'GatewayCallAttempted');
  }

  function recorder(idempotencyKey: string): { context: CallContext; records: AttemptRecord[] } {
    const records: AttemptRecord[] = [];
    return {
      records,
      context: {
        idempotencyKey,
        operation: 'charge',
        onAttempt: async (record) => {
          records.push(record);
        },
      },
    };
  }

  describe('when a payment is created', () => {
    it('succeeds, recording the PaymentIntent and the Stripe Request-Id', async () => {
      const response = await createPayment({ amount: 4200, currency: 'EUR', orderId: 'o-1' });

      const { paymentId, status } = response.json<{ paymentId: string; status: string }>();
      expect(status).toBe('succeeded');
      const attempt = (await attemptsOf(paymentId)).at(-1)!;
      expect(attempt.data).toMatchObject({
        method: 'POST',
        path: '/v1/payment_intents',
        outcome: 'succeeded',
        httpStatus: 200,
      });
      expect(attempt.data.gatewayTransactionId).toMatch(/^pi_/);
      expect(attempt.data.gatewayRequestId).toMatch(/^req_/);
    });

    it('records a card decline as failed with the decline code', async () => {
      const response = await createPayment({ amount: 4251, currency: 'EUR' });

      const { paymentId, status } = response.json<{ paymentId: string; status: string }>();
      expect(status).toBe('failed');
      const { events } = await ledger.store.readStream(paymentStreamId('acme', paymentId));
      expect(events.find((e) => e.type === 'PaymentFailed')?.data).toMatchObject({
        declineCode: 'insufficient_funds',
      });
      const attempt = (await attemptsOf(paymentId)).at(-1)!;
      expect(attempt.data).toMatchObject({ outcome: 'http_error', httpStatus: 402 });
      expect(attempt.data.gatewayTransactionId).toMatch(/^pi_/);
    });
  });

  describe('when Stripe fails with 500 and then answers', () => {
    it('retries under one idempotency key and charges once', async () => {
      const before = sandbox.stats().chargesCreated;
      sandbox.script([{ status: 500 }, { status: 503, retryAfter: null }]);

      const response = await createPayment({ amount: 700, currency: 'EUR' });

      const { paymentId, status } = response.json<{ paymentId: string; status: string }>();
      expect(status).toBe('succeeded');
      const attempts = await attemptsOf(paymentId);
      expect(attempts.map((a) => [a.data.outcome, a.data.httpStatus])).toEqual([
        ['http_error', 500],
        ['http_error', 503],
        ['succeeded', 200],
      ]);
      expect(new Set(attempts.map((a) => a.data.idempotencyKey)).size).toBe(1);
      expect(sandbox.stats().chargesCreated).toBe(before + 1);
    });
  });

  describe('when Stripe charges but never answers', () => {
    it('ends outcome_unknown after the retries, and reconcile finds the PaymentIntent', async () => {
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
      const attempts = await attemptsOf(paymentId);
      expect(attempts.length).toBeGreaterThan(1);
      expect(attempts.every((a) => a.data.outcome === 'timeout')).toBe(true);
      expect(reconciled.json()).toMatchObject({ paymentId, status: 'succeeded' });
    });
  });

  describe('when the idempotency key was used with other parameters', () => {
    it('ends unknown (idempotency_error) after one attempt, never a second charge', async () => {
      const first = recorder('stripe-key-reused');
      await gateway.charge({ paymentId: 'pay_r', amount: 1000, currency: 'EUR' }, first.context);
      const before = sandbox.stats().chargesCreated;
      const second = recorder('stripe-key-reused');

      const outcome = await gateway.charge(
        { paymentId: 'pay_r', amount: 2000, currency: 'EUR' },
        second.context,
      );

      expect(outcome).toEqual({ outcome: 'unknown', reason: 'idempotency_error' });
      expect(second.records).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'http_error', httpStatus: 400 }),
      ]);
      expect(sandbox.stats().chargesCreated).toBe(before);
    });
  });

  describe('when a payment is refunded', () => {
    it('refunds its PaymentIntent and records the Refund', async () => {
      const created = await createPayment({ amount: 5000, currency: 'EUR' });
      const { paymentId } = created.json<{ paymentId: string }>();

      const refunded = await api.app.inject({
        method: 'POST',
        url: `/payments/${paymentId}/refunds`,
        headers: {
          ...ACME,
          'idempotency-key': `refund-${paymentId}`,
          'content-type': 'application/json',
        },
        payload: { amount: 2000 },
      });

      expect(refunded.statusCode).toBe(201);
      expect(refunded.json()).toMatchObject({ status: 'succeeded' });
      const refundAttempt = (await attemptsOf(paymentId)).find(
        (a) => a.data.operation === 'refund',
      );
      expect(refundAttempt?.data).toMatchObject({ path: '/v1/refunds', outcome: 'succeeded' });
      expect(refundAttempt?.data.gatewayTransactionId).toMatch(/^re_/);
    });
  });

  describe('when reconcile asks for a payment Stripe never saw', () => {
    it('finds no PaymentIntent', async () => {
      const found = await gateway.findCharge('pay_never_sent');

      expect(found).toEqual({ outcome: 'succeeded', value: undefined, httpStatus: 200 });
    });
  });
});
