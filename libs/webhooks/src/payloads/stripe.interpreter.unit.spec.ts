import { interpretStripeEvent } from './stripe.interpreter';

// Event envelopes and objects in the shapes of Stripe's API reference (API version 2024-06-20):
// trimmed to the members that matter here plus a few that must not.
function stripeEvent(type: string, object: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'evt_3PabcStripeEvent',
    object: 'event',
    api_version: '2024-06-20',
    created: 1_719_000_000,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: 'req_8xYz', idempotency_key: 'pay_1:charge' },
    type,
  };
}

const paymentIntent = {
  id: 'pi_3PabcIntent',
  object: 'payment_intent',
  amount: 2500,
  amount_received: 2500,
  currency: 'eur',
  latest_charge: 'ch_3PabcCharge',
  metadata: { ledger_payment_id: 'pay_1', ledger_tenant_id: 'acme' },
  status: 'succeeded',
};

const refund = {
  id: 're_3PabcRefund',
  object: 'refund',
  amount: 1000,
  charge: 'ch_3PabcCharge',
  currency: 'eur',
  metadata: { ledger_payment_id: 'pay_1', ledger_tenant_id: 'acme', ledger_refund_id: 'ref_1' },
  payment_intent: 'pi_3PabcIntent',
  reason: 'requested_by_customer',
  status: 'succeeded',
};

describe('interpretStripeEvent', () => {
  describe('when a PaymentIntent succeeded', () => {
    it('reads the ledger payment id from metadata and the intent id as transaction id', () => {
      const event = stripeEvent('payment_intent.succeeded', paymentIntent);

      expect(interpretStripeEvent(event)).toEqual({
        providerEventType: 'payment_intent.succeeded',
        intent: 'payment_succeeded',
        paymentId: 'pay_1',
        gatewayTransactionId: 'pi_3PabcIntent',
        amount: 2500,
        currency: 'EUR',
      });
    });

    it('takes the amount received, not the amount asked for', () => {
      const event = stripeEvent('payment_intent.succeeded', {
        ...paymentIntent,
        amount: 2500,
        amount_received: 2000,
      });

      expect(interpretStripeEvent(event).amount).toBe(2000);
    });
  });

  describe('when a PaymentIntent failed', () => {
    it('reads the decline code of the last payment error', () => {
      const event = stripeEvent('payment_intent.payment_failed', {
        ...paymentIntent,
        amount_received: 0,
        status: 'requires_payment_method',
        last_payment_error: {
          type: 'card_error',
          code: 'card_declined',
          decline_code: 'insufficient_funds',
          message: 'Your card has insufficient funds.',
        },
      });

      expect(interpretStripeEvent(event)).toEqual({
        providerEventType: 'payment_intent.payment_failed',
        intent: 'payment_failed',
        paymentId: 'pay_1',
        gatewayTransactionId: 'pi_3PabcIntent',
        amount: 2500,
        currency: 'EUR',
        declineCode: 'insufficient_funds',
        reason: 'insufficient_funds',
      });
    });

    it('falls back to the error code when no decline code is given', () => {
      const event = stripeEvent('payment_intent.payment_failed', {
        ...paymentIntent,
        last_payment_error: { type: 'card_error', code: 'expired_card', message: 'Expired.' },
      });

      expect(interpretStripeEvent(event).declineCode).toBe('expired_card');
    });
  });

  describe('when a Charge was refunded', () => {
    const charge = {
      id: 'ch_3PabcCharge',
      object: 'charge',
      amount: 2500,
      amount_refunded: 1500,
      currency: 'eur',
      metadata: {},
      payment_intent: 'pi_3PabcIntent',
      refunded: false,
    };

    it('correlates by the payment intent and reads the newest listed refund', () => {
      const older = {
        ...refund,
        id: 're_older',
        amount: 500,
        metadata: { ledger_refund_id: 'ref_0' },
      };
      const event = stripeEvent('charge.refunded', {
        ...charge,
        refunds: { object: 'list', data: [refund, older], has_more: false },
      });

      expect(interpretStripeEvent(event)).toEqual({
        providerEventType: 'charge.refunded',
        intent: 'refund_succeeded',
        paymentId: 'pay_1',
        gatewayTransactionId: 'pi_3PabcIntent',
        refundId: 'ref_1',
        gatewayRefundId: 're_3PabcRefund',
        amount: 1000,
        currency: 'EUR',
      });
    });

    it("takes the Charge's payment intent when the listed refund does not repeat it", () => {
      const event = stripeEvent('charge.refunded', {
        ...charge,
        refunds: { object: 'list', data: [{ ...refund, payment_intent: null }], has_more: false },
      });

      expect(interpretStripeEvent(event).gatewayTransactionId).toBe('pi_3PabcIntent');
    });

    it('keeps a Charge without its refunds and does not act on it', () => {
      const event = stripeEvent('charge.refunded', charge);

      expect(interpretStripeEvent(event)).toEqual({
        providerEventType: 'charge.refunded',
        intent: 'unknown',
        gatewayTransactionId: 'pi_3PabcIntent',
      });
    });
  });

  describe('when a Refund was updated', () => {
    it('reads a succeeded refund with the ledger refund id from metadata', () => {
      const event = stripeEvent('charge.refund.updated', refund);

      expect(interpretStripeEvent(event)).toEqual({
        providerEventType: 'charge.refund.updated',
        intent: 'refund_succeeded',
        paymentId: 'pay_1',
        gatewayTransactionId: 'pi_3PabcIntent',
        refundId: 'ref_1',
        gatewayRefundId: 're_3PabcRefund',
        amount: 1000,
        currency: 'EUR',
      });
    });

    it('reads a failed refund with its failure reason', () => {
      const event = stripeEvent('charge.refund.updated', {
        ...refund,
        status: 'failed',
        failure_reason: 'expired_or_canceled_card',
      });

      expect(interpretStripeEvent(event)).toMatchObject({
        intent: 'refund_failed',
        refundId: 'ref_1',
        reason: 'expired_or_canceled_card',
      });
    });

    it('concludes nothing while the refund is pending', () => {
      const event = stripeEvent('charge.refund.updated', { ...refund, status: 'pending' });

      expect(interpretStripeEvent(event).intent).toBe('unknown');
    });

    it("names a refund made outside the ledger by Stripe's id", () => {
      const event = stripeEvent('refund.created', { ...refund, metadata: {} });

      expect(interpretStripeEvent(event)).toMatchObject({
        intent: 'refund_succeeded',
        gatewayTransactionId: 'pi_3PabcIntent',
        refundId: 're_3PabcRefund',
      });
      expect(interpretStripeEvent(event)).not.toHaveProperty('paymentId');
    });
  });

  describe('when a dispute was opened', () => {
    it('links it by the payment intent and does not act on it', () => {
      const event = stripeEvent('charge.dispute.created', {
        id: 'dp_1Pabc',
        object: 'dispute',
        amount: 2500,
        charge: 'ch_3PabcCharge',
        currency: 'eur',
        payment_intent: 'pi_3PabcIntent',
        reason: 'fraudulent',
        status: 'needs_response',
      });

      expect(interpretStripeEvent(event)).toEqual({
        providerEventType: 'charge.dispute.created',
        intent: 'unknown',
        gatewayTransactionId: 'pi_3PabcIntent',
        amount: 2500,
        currency: 'EUR',
        reason: 'fraudulent',
      });
    });
  });

  describe('when the event type is one it does not read', () => {
    it('keeps it, linked by the payment id, and never acts on it', () => {
      const event = stripeEvent('payment_intent.processing', {
        ...paymentIntent,
        status: 'processing',
      });

      expect(interpretStripeEvent(event)).toEqual({
        providerEventType: 'payment_intent.processing',
        intent: 'unknown',
        paymentId: 'pay_1',
        gatewayTransactionId: 'pi_3PabcIntent',
      });
    });

    it('does not take the sandbox names for Stripe ones', () => {
      const event = stripeEvent('payment.completed', paymentIntent);

      expect(interpretStripeEvent(event).intent).toBe('unknown');
    });
  });

  describe('when the payload is not an event', () => {
    it('reads an unknown event with no references', () => {
      expect(interpretStripeEvent({ hello: 'world' })).toEqual({
        providerEventType: 'unknown',
        intent: 'unknown',
      });
    });
  });
});
