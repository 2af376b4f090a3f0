/**
 * Why a charge failed, in terms a caller can act on:
 * - `declined`: the gateway (or the card issuer) refused the charge; a retry needs another card.
 * - `invalid_request`: the gateway refused the request itself; fix it before trying again.
 * - `gateway_unavailable`: no call left this process (circuit open, bulkhead full); no money
 *   moved, and the same charge may succeed later.
 */
export type PaymentFailureCategory = 'declined' | 'invalid_request' | 'gateway_unavailable';

/** The reason prefix the payments service gives a charge that never reached the gateway. */
export const NOT_ATTEMPTED_REASON_PREFIX = 'gateway not attempted';

// What the outbound adapter reports as the code of a charge it never sent.
const NOT_ATTEMPTED_CODES: ReadonlySet<string> = new Set(['circuit_open', 'bulkhead_rejected']);

// Gateway error codes that blame the request, not the card.
const INVALID_REQUEST_CODES: ReadonlySet<string> = new Set([
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'idempotency_key_reused',
]);

// `http_<status>` is the outbound adapter's code for a 4xx without one of the gateway's own.
// 402 Payment Required is how gateways say "declined", so it is not the caller's fault.
const HTTP_CLIENT_ERROR = /^http_4\d\d$/;

/**
 * The category of a charge failure, from what a decline carries: its reason and decline code.
 * Anything that does not point at the request or at a call never made counts as a decline.
 */
export function paymentFailureCategory(
  reason: string | undefined,
  declineCode: string | undefined,
): PaymentFailureCategory {
  if (
    reason?.startsWith(NOT_ATTEMPTED_REASON_PREFIX) === true ||
    (declineCode !== undefined && NOT_ATTEMPTED_CODES.has(declineCode))
  ) {
    return 'gateway_unavailable';
  }
  if ([declineCode, reason].some(blamesTheRequest)) return 'invalid_request';
  return 'declined';
}

function blamesTheRequest(code: string | undefined): boolean {
  if (code === undefined) return false;
  return INVALID_REQUEST_CODES.has(code) || (HTTP_CLIENT_ERROR.test(code) && code !== 'http_402');
}
