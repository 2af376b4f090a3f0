import { STRIPE_METADATA, withoutUndefined } from '@ledger/ledger';
import type { InterpretedPayload, WebhookIntent } from './gateway-payload';
import { asObject, minorUnits, text, type Json } from './payload-values';

/** The Stripe event types the `stripe` interpreter reads (docs/providers.md lists what each does). */
export const STRIPE_EVENT_TYPES = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'charge.refund.updated',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.dispute.created',
] as const;

/**
 * The `stripe` interpreter: reads a Stripe event object (`{ id: 'evt_...', type, data: { object } }`).
 * The gateway transaction id is always the PaymentIntent's id (`pi_...`), what the Stripe adapter
 * records; a refund's gateway id is the Refund's (`re_...`). An event type not listed in
 * `STRIPE_EVENT_TYPES` is intent `unknown`, as is a dispute (the ledger has no dispute state):
 * linked to its payment when it names one, and never acted on.
 */
export function interpretStripeEvent(payload: unknown): InterpretedPayload {
  const event = asObject(payload) ?? {};
  const providerEventType = text(event.type) ?? 'unknown';
  const object = asObject(asObject(event.data)?.object) ?? {};
  return withoutUndefined(readStripeObject(providerEventType, object));
}

function readStripeObject(type: string, object: Json): InterpretedPayload {
  switch (type) {
    case 'payment_intent.succeeded':
      return {
        ...paymentIntentRefs(type, 'payment_succeeded', object),
        // What was captured; `amount` is what was asked for (equal for an automatic capture).
        amount: minorUnits(object.amount_received) ?? minorUnits(object.amount),
        currency: currency(object),
      };
    case 'payment_intent.payment_failed': {
      const error = asObject(object.last_payment_error) ?? {};
      const declineCode = text(error.decline_code) ?? text(error.code);
      return {
        ...paymentIntentRefs(type, 'payment_failed', object),
        amount: minorUnits(object.amount),
        currency: currency(object),
        declineCode,
        reason: declineCode ?? text(error.message),
      };
    }
    case 'charge.refunded':
      return chargeRefunded(object);
    case 'charge.refund.updated':
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
      return refundObject(type, object);
    case 'charge.dispute.created':
      // Recorded on the payment it concerns and not acted on: the ledger has no dispute state.
      return {
        providerEventType: type,
        intent: 'unknown',
        gatewayTransactionId: text(object.payment_intent),
        amount: minorUnits(object.amount),
        currency: currency(object),
        reason: text(object.reason),
      };
    default:
      return unknownEvent(type, object);
  }
}

function paymentIntentRefs(
  type: string,
  intent: WebhookIntent,
  intentObject: Json,
): InterpretedPayload {
  return {
    providerEventType: type,
    intent,
    paymentId: ledgerMetadata(intentObject, STRIPE_METADATA.paymentId),
    gatewayTransactionId: text(intentObject.id),
  };
}

/**
 * A Charge carries no metadata of the PaymentIntent's, so it is found by its `payment_intent`. The
 * refund it concerns is the newest of its `refunds` (Stripe lists newest first); a Charge without
 * its refunds (API versions from 2022-11-15 leave them out unless expanded) cannot say which
 * refund it was, so it is kept and not acted on: the Refund events (`charge.refund.updated`,
 * `refund.*`) say it with the ledger's refund id.
 */
function chargeRefunded(charge: Json): InterpretedPayload {
  const refunds = asObject(charge.refunds)?.data;
  const refund = Array.isArray(refunds) ? asObject(refunds[0]) : undefined;
  const gatewayTransactionId = text(charge.payment_intent);
  if (refund === undefined) {
    return { providerEventType: 'charge.refunded', intent: 'unknown', gatewayTransactionId };
  }
  return {
    // A listed Refund may leave its `payment_intent` out (or null): the Charge's is the same.
    ...refundObject('charge.refunded', {
      ...refund,
      payment_intent: text(refund.payment_intent) ?? gatewayTransactionId,
    }),
    currency: currency(refund) ?? currency(charge),
  };
}

/** A Refund object: its status says the outcome; its metadata the ledger's ids. */
function refundObject(type: string, refund: Json): InterpretedPayload {
  const gatewayRefundId = text(refund.id);
  const status = text(refund.status);
  return {
    providerEventType: type,
    intent: refundIntent(type, status),
    paymentId: ledgerMetadata(refund, STRIPE_METADATA.paymentId),
    gatewayTransactionId: text(refund.payment_intent),
    // A refund made outside the ledger (the Dashboard) is known by Stripe's id, the same in
    // every event about it, so two events about one refund never count it twice.
    refundId: ledgerMetadata(refund, STRIPE_METADATA.refundId) ?? gatewayRefundId,
    gatewayRefundId,
    amount: minorUnits(refund.amount),
    currency: currency(refund),
    reason: status === 'succeeded' ? undefined : text(refund.failure_reason),
  };
}

function refundIntent(type: string, status: string | undefined): WebhookIntent {
  if (status === 'succeeded') return 'refund_succeeded';
  if (status === 'failed' || status === 'canceled') return 'refund_failed';
  // `refund.failed` without a status would still be a failure; anything pending concludes nothing.
  return type === 'refund.failed' ? 'refund_failed' : 'unknown';
}

/** An event type the interpreter does not read: kept, linked when it names a payment. */
function unknownEvent(type: string, object: Json): InterpretedPayload {
  const kind = text(object.object);
  return {
    providerEventType: type,
    intent: 'unknown',
    paymentId: ledgerMetadata(object, STRIPE_METADATA.paymentId),
    gatewayTransactionId: kind === 'payment_intent' ? text(object.id) : text(object.payment_intent),
  };
}

function ledgerMetadata(object: Json, key: string): string | undefined {
  return text(asObject(object.metadata)?.[key]);
}

function currency(object: Json): string | undefined {
  return text(object.currency)?.toUpperCase();
}
