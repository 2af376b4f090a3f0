import type { PaymentIntent, StripeRefund } from './stripe-book';

/** The API version the sandbox's objects and events claim, the SDK's pinned one at writing. */
export const SANDBOX_STRIPE_API_VERSION = '2026-10-28.endive';

/** A PaymentIntent in Stripe's wire shape (the members the ledger and its tests read, and a few more). */
export function paymentIntentView(intent: PaymentIntent): Record<string, unknown> {
  return {
    id: intent.id,
    object: 'payment_intent',
    amount: intent.amount,
    amount_received: intent.status === 'succeeded' ? intent.amount : 0,
    capture_method: 'automatic',
    confirmation_method: 'automatic',
    created: intent.created,
    currency: intent.currency,
    description: intent.description ?? null,
    last_payment_error:
      intent.lastPaymentError === undefined
        ? null
        : {
            type: 'card_error',
            code: intent.lastPaymentError.code,
            decline_code: intent.lastPaymentError.declineCode,
            message: intent.lastPaymentError.message,
            charge: intent.lastPaymentError.charge,
          },
    latest_charge: intent.latestCharge ?? null,
    livemode: false,
    metadata: intent.metadata,
    payment_method: intent.paymentMethod ?? null,
    payment_method_types: ['card'],
    status: intent.status,
  };
}

/** The Charge of a succeeded intent, as `charge.refunded` carries it. */
export function chargeView(intent: PaymentIntent): Record<string, unknown> {
  return {
    id: intent.latestCharge,
    object: 'charge',
    amount: intent.amount,
    amount_captured: intent.amount,
    amount_refunded: intent.amountRefunded,
    captured: true,
    created: intent.created,
    currency: intent.currency,
    livemode: false,
    metadata: intent.metadata,
    paid: true,
    payment_intent: intent.id,
    refunded: intent.amountRefunded >= intent.amount,
    status: 'succeeded',
  };
}

/** A Refund in Stripe's wire shape. */
export function refundView(refund: StripeRefund): Record<string, unknown> {
  return {
    id: refund.id,
    object: 'refund',
    amount: refund.amount,
    charge: refund.charge,
    created: refund.created,
    currency: refund.currency,
    metadata: refund.metadata,
    payment_intent: refund.paymentIntent,
    reason: refund.reason ?? null,
    status: 'succeeded',
  };
}

/** The Stripe event types the sandbox's Stripe mode sends. */
export type StripeEventType =
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'charge.refunded'
  | 'charge.refund.updated';

/** A Stripe event object, as Stripe POSTs it to a webhook endpoint. */
export interface StripeEvent {
  id: string;
  object: 'event';
  type: StripeEventType;
  api_version: string;
  created: number;
  data: { object: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
}
