/**
 * The metadata keys the Stripe adapter writes on each PaymentIntent and Refund it creates (and
 * reconciles by), so that a Stripe object, and every Stripe event about it, names the ledger's
 * own ids. The adapter (`@ledger/outbound`) writes them; the `stripe` webhook interpreter
 * (`@ledger/webhooks`) reads them: one definition for both sides.
 */
export const STRIPE_METADATA = Object.freeze({
  paymentId: 'ledger_payment_id',
  tenantId: 'ledger_tenant_id',
  refundId: 'ledger_refund_id',
} as const);
