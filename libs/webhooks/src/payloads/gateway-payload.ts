import { withoutUndefined } from '@ledger/ledger';
import { asObject, text, type Json } from './payload-values';

/** What a delivery asks of a payment, in the ledger's words rather than a provider's. */
export type WebhookIntent =
  'payment_succeeded' | 'payment_failed' | 'refund_succeeded' | 'refund_failed' | 'unknown';

/** The parts of a provider's payload the ledger acts on; anything absent stays undefined. */
export type InterpretedPayload = {
  providerEventType: string;
  intent: WebhookIntent;
  /** The ledger's own payment id, echoed back by the gateway from the charge's metadata. */
  paymentId?: string;
  orderId?: string;
  gatewayTransactionId?: string;
  /** The ledger's refund id when the gateway echoes it, else the gateway's own id of the refund. */
  refundId?: string;
  /** The gateway's id of the refund (Stripe's `re_...`), when it names one. */
  gatewayRefundId?: string;
  amount?: number;
  currency?: string;
  reason?: string;
  /** The gateway's code for a declined charge (`insufficient_funds`), when it gave one. */
  declineCode?: string;
};

/** Provider event names, by intent: the sandbox's own, the common dotted ones, Stripe's. */
const INTENTS: Record<Exclude<WebhookIntent, 'unknown'>, readonly string[]> = {
  payment_succeeded: [
    'payment.completed',
    'payment.succeeded',
    'payment.captured',
    'charge.succeeded',
    'payment_intent.succeeded',
  ],
  payment_failed: [
    'payment.failed',
    'payment.declined',
    'charge.failed',
    'payment_intent.payment_failed',
  ],
  refund_succeeded: ['refund.created', 'refund.succeeded', 'refund.completed', 'charge.refunded'],
  refund_failed: ['refund.failed'],
};

const INTENT_BY_TYPE = new Map<string, WebhookIntent>(
  Object.entries(INTENTS).flatMap(([intent, types]) =>
    types.map((type) => [type, intent as WebhookIntent] as const),
  ),
);

function firstText(sources: (Json | undefined)[], names: readonly string[]): string | undefined {
  for (const source of sources) {
    for (const name of names) {
      const value = text(source?.[name]);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/**
 * The `sandbox` interpreter, and the default of a provider that names none (it is how every
 * payload was read before interpreters were configurable). Reads a provider payload: the event's type from `type` (or `event`), and the references and
 * amounts from Stripe's `data.object`, else from `data`, else from the top level, each with its
 * `metadata`. An event type the ledger does not know maps to intent `unknown`: kept, not acted on.
 */
export function interpretPayload(payload: unknown): InterpretedPayload {
  const root = asObject(payload) ?? {};
  const data = asObject(root.data);
  const subject = asObject(data?.object) ?? data ?? root;
  const sources = [subject, asObject(subject.metadata), data, asObject(data?.metadata), root];
  const providerEventType = text(root.type) ?? text(root.event) ?? 'unknown';
  const kind = text(subject.object);

  const amount = subject.amount;
  const currency = text(subject.currency);
  const interpreted: InterpretedPayload = {
    providerEventType,
    intent: INTENT_BY_TYPE.get(providerEventType) ?? 'unknown',
    paymentId: firstText(sources, ['paymentId', 'payment_id', 'ledgerPaymentId']),
    orderId: firstText(sources, ['orderId', 'order_id']),
    gatewayTransactionId:
      firstText(sources, ['transactionId', 'transaction_id', 'payment_intent', 'charge']) ??
      (kind === 'charge' || kind === 'payment_intent' ? text(subject.id) : undefined),
    refundId:
      firstText(sources, ['refundId', 'refund_id']) ??
      (kind === 'refund' ? text(subject.id) : undefined),
    amount: Number.isSafeInteger(amount) && (amount as number) > 0 ? (amount as number) : undefined,
    currency: currency?.toUpperCase(),
    reason: firstText(sources, ['reason', 'failure_reason', 'failure_message', 'declineCode']),
    declineCode: firstText(sources, ['declineCode', 'decline_code', 'failure_code']),
  };
  // Absent members are left out, so the result can go into an event as it is.
  return withoutUndefined(interpreted);
}
