import { createVerifier } from '@ledger/webhooks';
import {
  eventually,
  startSandboxTestKit,
  TEST_WEBHOOK_SECRET,
  type SandboxTestKit,
} from './testing/sandbox-test-kit';

const verifier = createVerifier('standard-webhooks', { secrets: [TEST_WEBHOOK_SECRET] });
const charge = (overrides: object = {}): object => ({
  paymentId: 'pay_1',
  amount: 1000,
  currency: 'EUR',
  orderId: 'order_1',
  ...overrides,
});

describe('sandbox gateway charges', () => {
  let kit: SandboxTestKit;

  beforeEach(async () => {
    kit = await startSandboxTestKit();
  });

  afterEach(async () => {
    await kit.stop();
  });

  describe('when the charge succeeds', () => {
    it('answers 201 with the charge and a request id', async () => {
      const answer = await kit.charge(charge(), 'key-1');

      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: expect.stringMatching(/^ch_[0-9a-f]+$/),
        status: 'succeeded',
        amount: 1000,
        currency: 'EUR',
        paymentId: 'pay_1',
        orderId: 'order_1',
        createdAt: expect.any(String),
      });
      expect(answer.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]+$/);
      expect(kit.gateway.stats().chargesCreated).toBe(1);
    });

    it('sends a signed payment.completed webhook', async () => {
      const answer = await kit.charge(charge(), 'key-1');

      const [delivery] = await kit.webhooks.waitFor(1);
      const verified = verifier.verify({ rawBody: delivery.rawBody, headers: delivery.headers });
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(verified.deliveryId).toBe(delivery.body.id);
      expect(delivery.body).toEqual({
        id: expect.stringMatching(/^evt_/),
        type: 'payment.completed',
        created: expect.any(Number),
        data: {
          transactionId: answer.body.id,
          paymentId: 'pay_1',
          orderId: 'order_1',
          amount: 1000,
          currency: 'EUR',
        },
      });
      await eventually(() => kit.gateway.stats().webhooksSent === 1);
    });
  });

  describe('when the amount is a documented decline', () => {
    it.each([
      [1002, 'card_declined'],
      [1051, 'insufficient_funds'],
    ])('declines %i with %s and sends payment.failed', async (amount, declineCode) => {
      const answer = await kit.charge(charge({ amount }), `key-${amount}`);

      expect(answer.status).toBe(402);
      expect(answer.body).toEqual({
        error: { code: 'card_declined', message: expect.any(String) },
        charge: expect.objectContaining({
          id: expect.stringMatching(/^ch_/),
          status: 'declined',
          declineCode,
          amount,
          currency: 'EUR',
          paymentId: 'pay_1',
          createdAt: expect.any(String),
        }),
      });
      const [delivery] = await kit.webhooks.waitFor(1);
      expect(delivery.body.type).toBe('payment.failed');
      expect(delivery.body.data).toMatchObject({
        transactionId: answer.body.charge.id,
        reason: declineCode,
      });
    });
  });

  describe('when the same idempotency key comes back', () => {
    it('returns the stored response without charging again', async () => {
      const first = await kit.charge(charge(), 'key-1');

      const second = await kit.charge(charge(), 'key-1');

      expect(second.status).toBe(first.status);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(kit.gateway.stats()).toMatchObject({
        chargesCreated: 1,
        requestsByIdempotencyKey: { 'key-1': 2 },
        idempotencyKeysSeen: ['key-1'],
      });
    });

    it('answers 422 idempotency_key_reused for a different body', async () => {
      await kit.charge(charge(), 'key-1');

      const reused = await kit.charge(charge({ amount: 2000 }), 'key-1');

      expect(reused.status).toBe(422);
      expect(reused.body.error.code).toBe('idempotency_key_reused');
      expect(kit.gateway.stats().chargesCreated).toBe(1);
    });

    it('answers 409 request_in_progress while the first request still runs', async () => {
      // Long enough that the second request lands while the first still runs, on any machine.
      kit.gateway.setFaults({ latencyMs: 3_000 });

      const first = kit.charge(charge(), 'key-1');
      await eventually(() => kit.gateway.stats().requests === 1);
      const answers = await Promise.all([first, kit.charge(charge(), 'key-1')]);

      expect(answers.map((answer) => answer.status)).toEqual([201, 409]);
      expect(answers[1].body.error.code).toBe('request_in_progress');
      expect(kit.gateway.stats().chargesCreated).toBe(1);
    });
  });

  describe('when the request is invalid', () => {
    it('answers 400 idempotency_key_missing without a key', async () => {
      const answer = await kit.charge(charge());

      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('idempotency_key_missing');
    });

    it.each([
      ['a zero amount', { amount: 0 }],
      ['a fractional amount', { amount: 10.5 }],
      ['a lower-case currency', { currency: 'eur' }],
      ['no paymentId', { paymentId: undefined }],
    ])('answers 400 invalid_request for %s and frees the key', async (_case, overrides) => {
      const rejected = await kit.charge(charge(overrides), 'key-1');
      const corrected = await kit.charge(charge(), 'key-1');

      expect(rejected.status).toBe(400);
      expect(rejected.body.error.code).toBe('invalid_request');
      expect(corrected.status).toBe(201);
    });

    it('answers 401 without the API key or with another one', async () => {
      const missing = await kit.call('POST', '/v1/charges', {
        body: charge(),
        idempotencyKey: 'key-1',
        apiKey: null,
      });
      const wrong = await kit.call('GET', '/v1/charges?paymentId=pay_1', { apiKey: 'other' });

      expect([missing.status, wrong.status]).toEqual([401, 401]);
      expect(missing.body.error.code).toBe('unauthorized');
      expect(kit.gateway.stats().chargesCreated).toBe(0);
    });

    it('answers 413 for a body over the limit', async () => {
      const answer = await kit.charge(charge({ description: 'x'.repeat(70_000) }), 'key-1');

      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toBe('payload_too_large');
    });

    it('answers unknown routes with a JSON 404', async () => {
      const answer = await kit.call('GET', '/v2/anything');

      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    });
  });

  describe('when charges are listed by payment', () => {
    it('returns that payment’s charges, newest first', async () => {
      const first = await kit.charge(charge({ amount: 1002 }), 'key-1');
      const second = await kit.charge(charge(), 'key-2');
      await kit.charge(charge({ paymentId: 'pay_2' }), 'key-3');

      const answer = await kit.call('GET', '/v1/charges?paymentId=pay_1');

      expect(answer.status).toBe(200);
      const ids = (answer.body.data as { id: string }[]).map((entry) => entry.id);
      expect(ids).toEqual([second.body.id, first.body.charge.id]);
      expect(answer.body.data[1]).toMatchObject({ status: 'declined', amountRefunded: 0 });
    });

    it('answers 400 without a paymentId', async () => {
      const answer = await kit.call('GET', '/v1/charges');

      expect(answer.status).toBe(400);
    });
  });
});
