import fc from 'fast-check';
import { type LedgerStorage } from '@ledger/event-store/aws';
import { decodePaymentEvent, paymentDecider, paymentStreamId, handleCommand } from '@ledger/ledger';
import { waitUntil } from '@ledger/testing';
import { signFor } from '@ledger/webhooks';
import Stripe from 'stripe';
import { engineStorage, eventItems } from './support/engine-client';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

// The committed local example configuration's sandbox provider (a placeholder secret).
const SANDBOX_SECRET = 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=';
// The committed example configuration's Stripe provider (`stripe-test`, interpreter `stripe`).
const STRIPE_SECRET = 'whsec_local_dev_only_not_a_real_secret';
const ACME_KEY = 'local-dev-key-acme';

describe('inbound webhooks, end to end', () => {
  let ledger: LedgerProcess;
  let storage: LedgerStorage;

  beforeAll(async () => {
    const env = await isolatedEnv();
    ledger = spawnLedger(env);
    await waitForHealthy(ledger);
    storage = engineStorage(env);
    // A freshly started engine's JVM is slow for its first requests; warm the write path first.
    for (let i = 0; i < 30; i++) {
      await signedPost(
        { id: `evt_warm_${i}`, type: 'payment.completed', data: {} },
        `msg_warm_${i}`,
      );
    }
  });

  afterAll(async () => {
    storage?.dynamoDb.destroy();
    await ledger?.stop();
  });

  function post(
    body: string,
    headers: Record<string, string>,
    provider = 'sandbox',
  ): Promise<Response> {
    return fetch(`${ledger.baseUrl}/webhooks/${provider}`, { method: 'POST', headers, body });
  }

  function signedPost(payload: object, id: string): Promise<Response> {
    const body = JSON.stringify(payload);
    return post(body, {
      'content-type': 'application/json',
      ...signFor('standard-webhooks', SANDBOX_SECRET, body, { id }),
    });
  }

  describe('when 100 identical deliveries arrive at once over HTTP', () => {
    it('records exactly one event and gives every caller its id', async () => {
      const body = JSON.stringify({ id: 'evt_http_burst', type: 'payment.completed', data: {} });
      const headers = {
        'content-type': 'application/json',
        ...signFor('standard-webhooks', SANDBOX_SECRET, body, { id: 'msg_burst_1' }),
      };

      const responses = await Promise.all(Array.from({ length: 100 }, () => post(body, headers)));
      const acks = await Promise.all(
        responses.map((r) => r.json() as Promise<{ eventId: string; duplicate: boolean }>),
      );

      expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
      expect(acks.filter((a) => !a.duplicate)).toHaveLength(1);
      expect(new Set(acks.map((a) => a.eventId)).size).toBe(1);
      expect(await eventItems(storage, '#delivery#sandbox#msg_burst_1')).toHaveLength(1);
    });
  });

  describe('when 500 generated malformed requests arrive', () => {
    it('never answers 5xx and never accepts one', async () => {
      const before = (await eventItems(storage, '#delivery#')).length;
      const headerName = fc.constantFrom(
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
        'content-type',
        'x-signature',
        'x-timestamp',
        'stripe-signature',
        'x-hub-signature-256',
      );
      const headerValue = fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.constantFrom(
          'v1,AAAA',
          'v1,',
          '',
          '0',
          '-1',
          '99999999999999',
          'application/json',
          'text/plain',
        ),
        fc.integer().map(String),
        fc.base64String({ maxLength: 64 }).map((b) => `v1,${b}`),
      );
      const request = fc.record({
        provider: fc.oneof(
          fc.constant('sandbox'),
          fc.constant('stripe-test'),
          fc.string({ minLength: 1, maxLength: 12 }),
        ),
        headers: fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
        body: fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.json({ maxDepth: 3 }),
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
        ),
        contentType: fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          '',
        ),
      });

      const statuses: number[] = [];
      await fc.assert(
        fc.asyncProperty(request, async ({ provider, headers, body, contentType }) => {
          const sent: Record<string, string> = { ...headers };
          if (contentType !== '') sent['content-type'] = contentType;
          const response = await fetch(
            `${ledger.baseUrl}/webhooks/${encodeURIComponent(provider)}`,
            {
              method: 'POST',
              headers: sent,
              body,
            },
          );
          await response.arrayBuffer();
          statuses.push(response.status);
          return response.status >= 400 && response.status < 500;
        }),
        { numRuns: 500 },
      );

      expect(statuses).toHaveLength(500);
      expect((await eventItems(storage, '#delivery#')).length).toBe(before);
    });
  });

  describe('when a delivery concerns a payment the ledger knows', () => {
    it('moves the payment to succeeded through the stream processor', async () => {
      await handleCommand(
        storage.eventStore,
        paymentDecider,
        decodePaymentEvent,
        paymentStreamId('acme', 'pay_e2e_1'),
        {
          type: 'RequestPayment',
          data: { paymentId: 'pay_e2e_1', amount: 2500, currency: 'EUR' },
          metadata: { now: new Date().toISOString(), tenantId: 'acme' },
        },
      );

      const response = await signedPost(
        {
          id: 'evt_e2e_1',
          type: 'payment.completed',
          data: { paymentId: 'pay_e2e_1', transactionId: 'tx_e2e_1' },
        },
        'msg_e2e_1',
      );
      expect(response.status).toBe(200);

      const deadline = Date.now() + 20_000;
      let types: string[] = [];
      while (Date.now() < deadline && !types.includes('PaymentSucceeded')) {
        await new Promise((r) => setTimeout(r, 200));
        const { events } = await storage.eventStore.readStream(
          paymentStreamId('acme', 'pay_e2e_1'),
        );
        types = events.map((e) => e.type);
      }
      // One event: the success carries the delivery's link.
      expect(types).toEqual(['PaymentRequested', 'PaymentSucceeded']);
    });
  });

  describe('when Stripe reports a payment created through the API', () => {
    it('links the stripe-signed delivery to the payment named in its metadata', async () => {
      const created = await fetch(`${ledger.baseUrl}/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ACME_KEY}`,
          'idempotency-key': 'e2e-stripe-webhook-1',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ amount: 3100, currency: 'EUR' }),
      });
      const { paymentId } = (await created.json()) as { paymentId: string };
      // A Stripe event object as Stripe sends it, signed by the official package's helper.
      const body = JSON.stringify({
        id: 'evt_e2e_stripe_1',
        object: 'event',
        api_version: '2024-06-20',
        created: Math.floor(Date.now() / 1000),
        data: {
          object: {
            id: 'pi_e2e_stripe_1',
            object: 'payment_intent',
            amount: 3100,
            amount_received: 3100,
            currency: 'eur',
            metadata: { ledger_payment_id: paymentId, ledger_tenant_id: 'acme' },
            status: 'succeeded',
          },
        },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: 'payment_intent.succeeded',
      });
      const headers = {
        'content-type': 'application/json',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({
          payload: body,
          secret: STRIPE_SECRET,
        }),
      };

      const first = await post(body, headers, 'stripe-test');
      const again = await post(body, headers, 'stripe-test');

      expect(created.status).toBe(201);
      expect(first.status).toBe(200);
      expect(await again.json()).toMatchObject({ duplicate: true });
      let events: { type: string; data: Record<string, unknown> }[] = [];
      // The delivery's link: a WebhookLinked when the sandbox's answer concluded the payment
      // first, or the state event it caused (`data.webhook`) when the delivery came first.
      const linksOf = (all: typeof events) =>
        all
          .map((e) =>
            e.type === 'WebhookLinked' ? e.data : (e.data.webhook as Record<string, unknown>),
          )
          .filter((link) => link !== undefined && link.provider === 'stripe-test');
      await waitUntil(
        async () => {
          events = (await storage.eventStore.readStream(paymentStreamId('acme', paymentId))).events;
          return linksOf(events).length > 0;
        },
        { intervalMs: 200, what: 'the Stripe delivery linked to its payment' },
      );
      const linked = linksOf(events);
      expect(linked).toHaveLength(1);
      expect(linked[0]).toMatchObject({
        deliveryId: 'evt_e2e_stripe_1',
        providerEventType: 'payment_intent.succeeded',
        intent: 'payment_succeeded',
      });
      expect(events.filter((e) => e.type === 'PaymentSucceeded')).toHaveLength(1);
    });
  });
});
