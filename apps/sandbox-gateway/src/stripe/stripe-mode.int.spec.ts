import Stripe from 'stripe';
import {
  startSandboxTestKit,
  TEST_API_KEY,
  TEST_WEBHOOK_SECRET,
  type SandboxTestKit,
} from '../testing/sandbox-test-kit';

/**
 * The sandbox's Stripe mode driven through the official `stripe` package, configured as the
 * ledger's Stripe adapter configures it (host, port and protocol only; no retries of its own), so
 * the adapter is never tested against a fake written to agree with it.
 */
describe("the sandbox's Stripe mode, through the official SDK", () => {
  let kit: SandboxTestKit;
  let stripe: Stripe;

  beforeEach(async () => {
    kit = await startSandboxTestKit({}, 'stripe');
    stripe = sdkFor(kit, TEST_API_KEY);
  });

  afterEach(async () => {
    await kit.stop();
  });

  function sdkFor(target: SandboxTestKit, apiKey: string): Stripe {
    const url = new URL(target.gateway.url);
    return new Stripe(apiKey, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      maxNetworkRetries: 0,
      timeout: 5_000,
    });
  }

  const paymentParams = (paymentId: string, amount = 4200): Stripe.PaymentIntentCreateParams => ({
    amount,
    currency: 'eur',
    confirm: true,
    payment_method: 'pm_card_visa',
    automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    error_on_requires_action: true,
    metadata: { ledger_payment_id: paymentId, ledger_tenant_id: 'acme' },
  });

  describe('when a PaymentIntent is created and confirmed', () => {
    it('succeeds, with a Request-Id and a signed payment_intent.succeeded event', async () => {
      const intent = await stripe.paymentIntents.create(paymentParams('pay_1'), {
        idempotencyKey: 'key-1',
      });

      expect(intent).toMatchObject({
        object: 'payment_intent',
        status: 'succeeded',
        amount: 4200,
        currency: 'eur',
        metadata: { ledger_payment_id: 'pay_1', ledger_tenant_id: 'acme' },
      });
      expect(intent.id).toMatch(/^pi_/);
      expect(intent.latest_charge).toMatch(/^ch_/);
      expect(intent.lastResponse.requestId).toMatch(/^req_/);
      const [delivery] = await kit.webhooks.waitFor(1);
      const event = stripe.webhooks.constructEvent(
        delivery.rawBody,
        String(delivery.headers['stripe-signature']),
        TEST_WEBHOOK_SECRET,
      );
      expect(event).toMatchObject({
        object: 'event',
        type: 'payment_intent.succeeded',
        livemode: false,
        data: { object: { id: intent.id, status: 'succeeded' } },
      });
      expect(event.id).toMatch(/^evt_/);
    });
  });

  describe('when the card declines', () => {
    it.each([
      ['pm_card_chargeDeclinedInsufficientFunds', 4200, 'insufficient_funds'],
      ['pm_card_visa', 4251, 'insufficient_funds'],
      ['pm_card_visa', 4202, 'generic_decline'],
    ])('throws a StripeCardError for %s and %i (%s)', async (method, amount, declineCode) => {
      const create = stripe.paymentIntents.create(
        { ...paymentParams('pay_2', amount), payment_method: method },
        { idempotencyKey: 'key-2' },
      );

      const error = (await create.catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
      expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(error).toMatchObject({
        statusCode: 402,
        type: 'StripeCardError',
        decline_code: declineCode,
      });
      expect(error.requestId).toMatch(/^req_/);
      expect(error.payment_intent).toMatchObject({ status: 'requires_payment_method' });
      const [delivery] = await kit.webhooks.waitFor(1);
      expect(delivery.body.type).toBe('payment_intent.payment_failed');
    });
  });

  describe('when a request is repeated with its idempotency key', () => {
    it('replays the first answer without a second charge', async () => {
      const first = await stripe.paymentIntents.create(paymentParams('pay_3'), {
        idempotencyKey: 'key-3',
      });

      const again = await stripe.paymentIntents.create(paymentParams('pay_3'), {
        idempotencyKey: 'key-3',
      });

      expect(again.id).toBe(first.id);
      expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
      expect(kit.gateway.stats().chargesCreated).toBe(1);
    });

    it('refuses other parameters under the same key with an idempotency_error', async () => {
      await stripe.paymentIntents.create(paymentParams('pay_4'), { idempotencyKey: 'key-4' });

      const reused = await stripe.paymentIntents
        .create(paymentParams('pay_4', 9900), { idempotencyKey: 'key-4' })
        .catch((e: unknown) => e);

      expect(reused).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect(reused).toMatchObject({ statusCode: 400 });
      expect(kit.gateway.stats().chargesCreated).toBe(1);
    });
  });

  describe('when PaymentIntents are searched by metadata', () => {
    it("finds the ledger payment's intent and only it", async () => {
      const wanted = await stripe.paymentIntents.create(paymentParams('pay_5'), {
        idempotencyKey: 'key-5',
      });
      await stripe.paymentIntents.create(paymentParams('pay_6'), { idempotencyKey: 'key-6' });

      const found = await stripe.paymentIntents.search({
        query: "metadata['ledger_payment_id']:'pay_5' AND metadata['ledger_tenant_id']:'acme'",
      });

      expect(found.data.map((intent) => intent.id)).toEqual([wanted.id]);
      const retrieved = await stripe.paymentIntents.retrieve(wanted.id);
      expect(retrieved.status).toBe('succeeded');
    });
  });

  describe('when a PaymentIntent is refunded', () => {
    it('refunds part of it and sends charge.refunded and charge.refund.updated', async () => {
      const intent = await stripe.paymentIntents.create(paymentParams('pay_7'), {
        idempotencyKey: 'key-7',
      });

      const refund = await stripe.refunds.create(
        {
          payment_intent: intent.id,
          amount: 1000,
          metadata: {
            ledger_payment_id: 'pay_7',
            ledger_tenant_id: 'acme',
            ledger_refund_id: 'ref_1',
          },
        },
        { idempotencyKey: 'refund-key-7' },
      );

      expect(refund).toMatchObject({
        object: 'refund',
        status: 'succeeded',
        amount: 1000,
        payment_intent: intent.id,
      });
      expect((await stripe.refunds.retrieve(refund.id)).id).toBe(refund.id);
      const deliveries = await kit.webhooks.waitFor(3);
      const types = deliveries.map((d) => d.body.type);
      expect(types).toEqual(expect.arrayContaining(['charge.refunded', 'charge.refund.updated']));
      const refunded = deliveries.find((d) => d.body.type === 'charge.refunded');
      expect(refunded?.body.data.object).toMatchObject({
        payment_intent: intent.id,
        amount_refunded: 1000,
      });
      const tooMuch = await stripe.refunds
        .create({ payment_intent: intent.id, amount: 5000 }, { idempotencyKey: 'refund-key-8' })
        .catch((e: unknown) => e);
      expect(tooMuch).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    });
  });

  describe('when the sandbox injects faults', () => {
    it('answers a 503 the SDK raises as an API error, and a 429 as a rate-limit error', async () => {
      kit.gateway.script([{ status: 503 }, { status: 429 }]);

      const unavailable = await stripe.paymentIntents.retrieve('pi_x').catch((e: unknown) => e);
      const limited = await stripe.paymentIntents.retrieve('pi_x').catch((e: unknown) => e);

      expect(unavailable).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(unavailable).toMatchObject({ statusCode: 503 });
      expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    });

    it('refuses a wrong key as Stripe does', async () => {
      const wrong = await sdkFor(kit, 'sk_test_wrong')
        .paymentIntents.retrieve('pi_x')
        .catch((e: unknown) => e);

      expect(wrong).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    });
  });
});
