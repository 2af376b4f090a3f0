import { type StoredEvent } from '@ledger/event-store';
import {
  decodePaymentEvent,
  handleCommand,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
} from '@ledger/ledger';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import Stripe from 'stripe';
import { Correlator } from '../correlate-delivery/correlator.consumer';
import { DynamoDbCorrelationIndex } from '../infrastructure/dynamodb-correlation-index';
import { DynamoDbDeliveryStats } from '../infrastructure/dynamodb-delivery-stats';
import { PayloadInterpreters } from '../payloads/payload-interpreter';
import { signFor } from '../signatures/sign';
import { SignedDeliveries, storedEventOf } from '../testing/signed-deliveries';
import type { ReceiveResult } from './webhook-receiver';
import { decodeWebhookReceived } from './webhook.events';

const STRIPE_SECRET = 'whsec_test_secret_not_real';
// base64 of "svix-test-secret-not-real"
const SVIX_SECRET = 'whsec_c3ZpeC10ZXN0LXNlY3JldC1ub3QtcmVhbA==';
const NOW = '2026-05-01T10:00:00.000Z';

/** A Stripe event object as Stripe sends it (API reference shapes), around `object`. */
function stripeEvent(id: string, type: string, object: Record<string, unknown>): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2024-06-20',
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
}

function paymentIntent(paymentId: string, intentId: string): Record<string, unknown> {
  return {
    id: intentId,
    object: 'payment_intent',
    amount: 2500,
    amount_received: 2500,
    currency: 'eur',
    metadata: { ledger_payment_id: paymentId, ledger_tenant_id: 'acme' },
    status: 'succeeded',
  };
}

describe('deliveries as real senders sign them', () => {
  let ledger: TestLedger;
  let webhooks: SignedDeliveries;
  let correlator: Correlator;

  beforeAll(async () => {
    ledger = await createTestLedger('real-senders');
    const providers = [
      {
        name: 'stripe',
        tenant: 'acme',
        scheme: 'stripe' as const,
        secrets: [STRIPE_SECRET],
        interpreter: 'stripe' as const,
      },
      {
        name: 'svix',
        tenant: 'acme',
        scheme: 'standard-webhooks' as const,
        secrets: [SVIX_SECRET],
      },
    ];
    webhooks = new SignedDeliveries(
      ledger.store,
      new DynamoDbDeliveryStats(ledger.client, ledger.tables.meta),
      providers,
    );
    correlator = new Correlator(
      ledger.store,
      new DynamoDbCorrelationIndex(ledger.client, ledger.tables.meta),
      () => new Date(NOW),
      new PayloadInterpreters(providers),
    );
  });

  afterAll(async () => {
    await webhooks.close();
    await ledger.close();
  });

  /** Posts a body signed by the official `stripe` package's own test-header helper. */
  function receiveFromStripe(body: string): Promise<ReceiveResult> {
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: STRIPE_SECRET,
    });
    return webhooks.receiver.receive({
      provider: 'stripe',
      rawBody: Buffer.from(body),
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      sourceIp: '127.0.0.1',
    });
  }

  function storedEvent(eventId: string): Promise<StoredEvent> {
    return storedEventOf(ledger.store, eventId);
  }

  async function command(paymentId: string, type: PaymentCommand['type'], data: object) {
    return handleCommand(
      ledger.store,
      paymentDecider,
      decodePaymentEvent,
      paymentStreamId('acme', paymentId),
      { type, data, metadata: { now: NOW, tenantId: 'acme' } } as PaymentCommand,
    );
  }

  async function paymentEvents(paymentId: string): Promise<StoredEvent[]> {
    return (await ledger.store.readStream(paymentStreamId('acme', paymentId))).events;
  }

  describe('when Stripe reports a succeeded PaymentIntent', () => {
    it('accepts it once, by the event id, and concludes the payment named in its metadata', async () => {
      await command('pay_stripe_1', 'RequestPayment', {
        paymentId: 'pay_stripe_1',
        amount: 2500,
        currency: 'EUR',
      });
      const body = stripeEvent(
        'evt_1Stripe',
        'payment_intent.succeeded',
        paymentIntent('pay_stripe_1', 'pi_1Stripe'),
      );

      const first = await receiveFromStripe(body);
      const again = await receiveFromStripe(body);
      const delivery = await storedEvent(first.eventId);
      await correlator.handle(delivery);

      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ duplicate: true, eventId: first.eventId });
      expect(delivery.streamId).toBe('acme#delivery#stripe#evt_1Stripe');
      expect(decodeWebhookReceived(delivery)).toMatchObject({
        scheme: 'stripe',
        deliveryId: 'evt_1Stripe',
        deliveryIdSource: 'scheme',
      });
      const events = await paymentEvents('pay_stripe_1');
      expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(events[1].data).toMatchObject({
        amount: 2500,
        gatewayTransactionId: 'pi_1Stripe',
        source: 'webhook',
        webhook: { providerEventType: 'payment_intent.succeeded', intent: 'payment_succeeded' },
      });
    });
  });

  describe('when Stripe reports a refund the ledger asked for', () => {
    it("concludes that refund, by the ledger refund id in the Refund's metadata", async () => {
      await command('pay_stripe_2', 'RequestPayment', {
        paymentId: 'pay_stripe_2',
        amount: 2500,
        currency: 'EUR',
      });
      const paid = await receiveFromStripe(
        stripeEvent(
          'evt_2Paid',
          'payment_intent.succeeded',
          paymentIntent('pay_stripe_2', 'pi_2Stripe'),
        ),
      );
      await correlator.handle(await storedEvent(paid.eventId));
      await command('pay_stripe_2', 'RequestRefund', { refundId: 'ref_s2', amount: 1000 });

      const refunded = await receiveFromStripe(
        stripeEvent('evt_2Refund', 'charge.refund.updated', {
          id: 're_2Stripe',
          object: 'refund',
          amount: 1000,
          charge: 'ch_2Stripe',
          currency: 'eur',
          metadata: {
            ledger_payment_id: 'pay_stripe_2',
            ledger_tenant_id: 'acme',
            ledger_refund_id: 'ref_s2',
          },
          payment_intent: 'pi_2Stripe',
          status: 'succeeded',
        }),
      );
      await correlator.handle(await storedEvent(refunded.eventId));

      const events = await paymentEvents('pay_stripe_2');
      expect(events.at(-1)).toMatchObject({
        type: 'RefundSucceeded',
        data: { refundId: 'ref_s2', amount: 1000, gatewayRefundId: 're_2Stripe' },
      });
    });
  });

  describe('when Stripe sends an event type the interpreter does not read', () => {
    it('keeps it and links it to its payment without acting on it', async () => {
      await command('pay_stripe_3', 'RequestPayment', {
        paymentId: 'pay_stripe_3',
        amount: 2500,
        currency: 'EUR',
      });
      const body = stripeEvent('evt_3Created', 'payment_intent.created', {
        ...paymentIntent('pay_stripe_3', 'pi_3Stripe'),
        status: 'requires_payment_method',
      });

      const ack = await receiveFromStripe(body);
      await correlator.handle(await storedEvent(ack.eventId));

      const events = await paymentEvents('pay_stripe_3');
      expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'WebhookLinked']);
      expect(events[1].data).toMatchObject({
        providerEventType: 'payment_intent.created',
        intent: 'unknown',
        effect: 'unhandled',
      });
    });
  });

  describe('when Svix sends a Standard Webhooks delivery under its own header names', () => {
    it('accepts it once, by the svix-id', async () => {
      const body = JSON.stringify({ type: 'payment.completed', data: { paymentId: 'pay_x' } });
      const standard = signFor('standard-webhooks', SVIX_SECRET, body, { id: 'msg_svix_1' });
      const headers = {
        'content-type': 'application/json',
        'svix-id': standard['webhook-id'],
        'svix-timestamp': standard['webhook-timestamp'],
        'svix-signature': standard['webhook-signature'],
      };
      const delivery = {
        provider: 'svix',
        rawBody: Buffer.from(body),
        headers,
        sourceIp: '127.0.0.1',
      };

      const first = await webhooks.receiver.receive(delivery);
      const again = await webhooks.receiver.receive(delivery);

      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ duplicate: true, eventId: first.eventId });
      const stored = decodeWebhookReceived(await storedEvent(first.eventId));
      expect(stored).toMatchObject({ deliveryId: 'msg_svix_1', deliveryIdSource: 'scheme' });
      expect(stored.headers['svix-id']).toBe('msg_svix_1');
    });
  });
});
