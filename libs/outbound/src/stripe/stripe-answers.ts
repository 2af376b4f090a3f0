/**
 * What Stripe's answers mean for the ledger: pure functions from one HTTP answer (as the Stripe
 * adapter reduces an SDK result or error to one) to a final outcome or a retry. Kept apart from
 * the adapter so every mapping is unit-tested without a network.
 */
import { STRIPE_METADATA } from '@ledger/ledger';
import type { AnswerVerdict, FinalAnswer } from '../guarded-attempts';
import type { HttpExchange } from '../http/resilience.policy';
import type { GatewayCharge, GatewayRefund } from '../payment-gateway.port';

/** A Stripe error body as the adapter keeps it: `{ error: { type, code, decline_code, ... } }`. */
export interface StripeErrorBody {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  /** The PaymentIntent a card error names (the declined one). */
  payment_intent_id?: string;
}

/** Reads an operation's successful (2xx) body. */
export type ReadStripeBody<T> = (body: unknown, httpStatus: number) => FinalAnswer<T>;

/** A 2xx whose body does not say what happened: Stripe acted, we cannot tell how. */
const UNREADABLE: FinalAnswer<never> = {
  outcome: { outcome: 'unknown', reason: 'unreadable_response' },
};

/**
 * The verdict on one answer:
 * - 429 (and Stripe's 400 `rate_limit`), 409 (`lock_timeout`, a concurrent request on the key),
 *   5xx: retry; after the last, `unknown`.
 * - 400 `idempotency_error`: `unknown` with reason `idempotency_error`, never retried under
 *   another key. The key's first request (with other parameters) may have charged; a reconcile
 *   finds out from Stripe, so the same payment is never charged twice.
 * - every other 4xx (402 `card_error`, 400 `invalid_request_error`, 401, 403, 404): a definitive
 *   refusal, `declined` with the most specific code Stripe gave (`decline_code`, else `code`).
 * - 2xx: read by `read`.
 */
export function stripeVerdict<T>(
  exchange: HttpExchange,
  read: ReadStripeBody<T>,
): AnswerVerdict<T> {
  const { status } = exchange;
  const error = errorOf(exchange.body);
  if (status === 429 || (status === 400 && error.code === 'rate_limit')) {
    return { kind: 'retry', cause: 'rate_limited' };
  }
  if (status === 409 || status >= 500) return { kind: 'retry', cause: `http_${status}` };
  if (status >= 200 && status < 300) return { kind: 'final', final: read(exchange.body, status) };
  if (status < 400) {
    return { kind: 'final', final: { outcome: { outcome: 'unknown', reason: `http_${status}` } } };
  }
  if (error.type === 'idempotency_error') {
    return {
      kind: 'final',
      final: { outcome: { outcome: 'unknown', reason: 'idempotency_error' } },
    };
  }
  return {
    kind: 'final',
    final: {
      outcome: {
        outcome: 'declined',
        code: error.decline_code ?? error.code ?? `http_${status}`,
        reason: error.message ?? `Stripe answered ${status}`,
        httpStatus: status,
      },
      // A declined confirmation names its PaymentIntent: the transaction this attempt produced.
      ...(error.payment_intent_id !== undefined && { transactionId: error.payment_intent_id }),
    },
  };
}

/** Reads a PaymentIntent answered by create+confirm. */
export function readConfirmedIntent(body: unknown, httpStatus = 200): FinalAnswer<GatewayCharge> {
  const intent = intentOf(body);
  if (intent === undefined) return UNREADABLE;
  const found = chargeOfIntent(intent);
  if (found.kind === 'charge' && found.charge.status === 'succeeded') {
    return {
      outcome: { outcome: 'succeeded', value: found.charge, httpStatus },
      transactionId: intent.id,
    };
  }
  if (found.kind === 'charge') {
    return {
      outcome: {
        outcome: 'declined',
        code: found.charge.declineCode ?? 'card_declined',
        reason: 'Stripe declined the payment',
        httpStatus,
      },
      transactionId: intent.id,
    };
  }
  // Confirmed but not concluded (processing, requires_action...): Stripe decides later.
  return {
    outcome: { outcome: 'unknown', reason: `payment_intent_${intent.status}` },
    transactionId: intent.id,
  };
}

/** Reads a Refund: `succeeded`/`failed` conclude it; `pending` and the like leave it unknown. */
export function readRefund(body: unknown, httpStatus = 200): FinalAnswer<GatewayRefund> {
  if (!isRecord(body) || typeof body.id !== 'string' || typeof body.amount !== 'number') {
    return UNREADABLE;
  }
  const chargeId = typeof body.payment_intent === 'string' ? body.payment_intent : '';
  const transactionId = body.id;
  switch (body.status) {
    case 'succeeded':
    case 'failed':
    case 'canceled': {
      const value: GatewayRefund = {
        id: body.id,
        status: body.status === 'succeeded' ? 'succeeded' : 'failed',
        amount: body.amount,
        chargeId,
      };
      return { outcome: { outcome: 'succeeded', value, httpStatus }, transactionId };
    }
    default:
      return {
        outcome: { outcome: 'unknown', reason: `refund_${String(body.status)}` },
        transactionId,
      };
  }
}

/**
 * Reads a PaymentIntent search: the newest intent decides. None: no charge (`undefined`). One
 * not concluded yet (processing, requires_action...): `unknown`, so a reconcile neither concludes
 * nor charges again.
 */
export function readIntentSearch(
  body: unknown,
  httpStatus = 200,
): FinalAnswer<GatewayCharge | undefined> {
  if (!isRecord(body) || !Array.isArray(body.data)) return UNREADABLE;
  const intents = body.data.map(intentOf);
  if (intents.some((intent) => intent === undefined)) return UNREADABLE;
  const newest = (intents as StripeIntent[]).sort((a, b) => b.created - a.created)[0];
  if (newest === undefined) {
    return { outcome: { outcome: 'succeeded', value: undefined, httpStatus } };
  }
  const found = chargeOfIntent(newest);
  switch (found.kind) {
    case 'charge':
      return { outcome: { outcome: 'succeeded', value: found.charge, httpStatus } };
    case 'none':
      return { outcome: { outcome: 'succeeded', value: undefined, httpStatus } };
    case 'pending':
      return { outcome: { outcome: 'unknown', reason: `payment_intent_${newest.status}` } };
  }
}

/** The members of a PaymentIntent the ledger reads. */
interface StripeIntent {
  id: string;
  status: string;
  amount: number;
  currency: string;
  created: number;
  metadata: Record<string, unknown>;
  lastPaymentError?: { code?: string; decline_code?: string };
}

/** What a PaymentIntent says about the ledger payment's charge. */
type IntentCharge =
  | { kind: 'charge'; charge: GatewayCharge }
  /** Created but never confirmed: no charge was attempted. */
  | { kind: 'none' }
  /** Confirmed, not concluded. */
  | { kind: 'pending' };

function chargeOfIntent(intent: StripeIntent): IntentCharge {
  const base = {
    id: intent.id,
    amount: intent.amount,
    // Stripe speaks lower-case ISO codes; the ledger upper-case ones.
    currency: intent.currency.toUpperCase(),
    paymentId: stringOr(intent.metadata[STRIPE_METADATA.paymentId], ''),
  };
  switch (intent.status) {
    case 'succeeded':
      return { kind: 'charge', charge: { ...base, status: 'succeeded' } };
    case 'canceled':
      return { kind: 'charge', charge: { ...base, status: 'declined', declineCode: 'canceled' } };
    case 'requires_payment_method': {
      const error = intent.lastPaymentError;
      if (error === undefined) return { kind: 'none' };
      const declineCode = error.decline_code ?? error.code ?? 'card_declined';
      return { kind: 'charge', charge: { ...base, status: 'declined', declineCode } };
    }
    default:
      return { kind: 'pending' };
  }
}

function intentOf(body: unknown): StripeIntent | undefined {
  if (
    !isRecord(body) ||
    typeof body.id !== 'string' ||
    typeof body.status !== 'string' ||
    typeof body.amount !== 'number' ||
    typeof body.currency !== 'string'
  ) {
    return undefined;
  }
  const error = isRecord(body.last_payment_error) ? body.last_payment_error : undefined;
  return {
    id: body.id,
    status: body.status,
    amount: body.amount,
    currency: body.currency,
    created: typeof body.created === 'number' ? body.created : 0,
    metadata: isRecord(body.metadata) ? body.metadata : {},
    ...(error !== undefined && {
      lastPaymentError: {
        ...(typeof error.code === 'string' && { code: error.code }),
        ...(typeof error.decline_code === 'string' && { decline_code: error.decline_code }),
      },
    }),
  };
}

function errorOf(body: unknown): StripeErrorBody {
  return isRecord(body) && isRecord(body.error) ? body.error : {};
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
