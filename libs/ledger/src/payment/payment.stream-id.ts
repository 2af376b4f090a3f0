import { ValidationFailedError } from '@ledger/errors';

const PAYMENT_SEGMENT = '#payment#';

/** The event stream of one payment: `<tenantId>#payment#<paymentId>`. */
export function paymentStreamId(tenantId: string, paymentId: string): string {
  // A `#` in the tenant would make the id ambiguous to parse; payment ids may contain one.
  if (tenantId === '' || tenantId.includes('#') || paymentId === '') {
    throw new ValidationFailedError(
      'A payment stream id needs a tenant without "#" and a payment id',
    );
  }
  return `${tenantId}${PAYMENT_SEGMENT}${paymentId}`;
}

/** The tenant and payment of a payment stream id; `undefined` for any other stream. */
export function parsePaymentStreamId(
  streamId: string,
): { tenantId: string; paymentId: string } | undefined {
  const at = streamId.indexOf('#');
  if (at <= 0 || !streamId.startsWith(PAYMENT_SEGMENT, at)) return undefined;
  const paymentId = streamId.slice(at + PAYMENT_SEGMENT.length);
  return paymentId === '' ? undefined : { tenantId: streamId.slice(0, at), paymentId };
}
