import type { GatewayAttemptOutcome } from './payment.commands';
import {
  type OutcomeSource,
  type PaymentEvent,
  type ReportedOutcome,
  webhookLinkOf,
} from './payment.events';
import type { PaymentFailureCategory } from './payment.failure-category';

/** A payment's status, as the API contract names it. */
export type PaymentStatus =
  | 'requested'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'outcome_unknown'
  | 'partially_refunded'
  | 'refunded';

/** Every payment status, in contract order (e.g. to validate a `?status=` filter). */
export const PAYMENT_STATUSES: readonly PaymentStatus[] = Object.freeze([
  'requested',
  'processing',
  'succeeded',
  'failed',
  'outcome_unknown',
  'partially_refunded',
  'refunded',
] as const);

/** A refund's status; `requested` and `outcome_unknown` still hold part of the balance. */
export type RefundStatus = 'requested' | 'succeeded' | 'failed' | 'outcome_unknown';

/** One refund of a payment. */
export type RefundState = {
  /** Minor units; for a succeeded refund, the amount the gateway reported. */
  amount: number;
  status: RefundStatus;
  /** Why the refund was asked for. */
  reason?: string;
  /** Why it failed, or why its outcome is unknown. */
  statusReason?: string;
  gatewayRefundId?: string;
  source?: OutcomeSource;
  requestedAt?: string;
  updatedAt: string;
  /** Runs other than the requesting one that may have sent it (`RefundResumed`); absent if none. */
  resumptions?: number;
};

/** The last attempt that did not succeed. */
export type GatewayError = {
  outcome: Exclude<GatewayAttemptOutcome, 'succeeded'>;
  httpStatus?: number;
  /** The attempt's `startedAt`. */
  at: string;
};

/** A report of the gateway that contradicted the recorded outcome (`PaymentOutcomeContradicted`). */
export type Contradiction = {
  reported: ReportedOutcome;
  recordedStatus: PaymentStatus;
  conflict: string;
  source: OutcomeSource;
  deliveryEventId?: string;
  gatewayTransactionId?: string;
  refundId?: string;
  amount?: number;
  currency?: string;
  at: string;
};

/**
 * A payment folded from its stream. Plain JSON (no Map, Set or Date) so that a projection can
 * store what `evolvePayment` returns as it is.
 */
export type PaymentState = {
  exists: boolean;
  paymentId?: string;
  tenantId?: string;
  /** The requested amount, minor units. */
  amount: number;
  currency?: string;
  customerId?: string;
  orderId?: string;
  description?: string;
  status?: PaymentStatus;
  /** What the gateway captured: the succeeded amount, 0 until then. */
  capturedAmount: number;
  /** Sum of succeeded refunds. */
  refundedAmount: number;
  gatewayTransactionId?: string;
  /** Where the current outcome was learnt from (absent while undecided). */
  outcomeSource?: OutcomeSource;
  /** Why the payment failed, or why its outcome is unknown. */
  statusReason?: string;
  declineCode?: string;
  /** What kind of failure, while the payment is failed. */
  failureCategory?: PaymentFailureCategory;
  /** Gateway call attempts of any operation. */
  attempts: number;
  lastError?: GatewayError;
  refunds: Record<string, RefundState>;
  /**
   * Event ids of the webhook deliveries linked to this payment, in link order: by a
   * `WebhookLinked`, or by the state event a delivery caused (its `webhook`).
   */
  linkedDeliveries: string[];
  /**
   * Linked deliveries whose effect (`applied`, or the `PaymentOutcomeContradicted` of a
   * `conflict`) is not recorded yet. Only streams written before the one-event link can owe one:
   * there the link and its effect were two writes, and the effect could be lost between them (a
   * crash, or another writer taking the next version). Absent if none.
   * An event caused by the delivery (its `causationId`, or a contradiction naming it) settles it.
   * One whose re-decision wrote nothing (the payment was concluded the same way meanwhile) stays
   * listed; deciding it again writes nothing again, since a definitive outcome is final.
   */
  owedWebhookEffects?: string[];
  /**
   * How many runs other than the requesting one may have sent the charge (`ChargeResumed`);
   * absent while none has. While absent, a run's refusal to send proves nothing was sent.
   */
  chargeResumptions?: number;
  /** The gateway's reports that contradicted the recorded outcome, oldest first; absent if none. */
  contradictions?: Contradiction[];
  createdAt?: string;
  updatedAt?: string;
};

/** The state of an empty payment stream. */
export function initialPaymentState(): PaymentState {
  return {
    exists: false,
    amount: 0,
    capturedAmount: 0,
    refundedAmount: 0,
    attempts: 0,
    refunds: {},
    linkedDeliveries: [],
  };
}

/** Folds one event into the payment state; never mutates `state`, never reads a clock. */
export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  return settleOwedWebhookEffects(linkCarriedDelivery(evolveFacts(state, event), event), event);
}

// A state event that carries its delivery's link links it, as a `WebhookLinked` would; it owes
// nothing, since the change is in the same event.
function linkCarriedDelivery(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.type === 'WebhookLinked') return state;
  const link = webhookLinkOf(event);
  if (link === undefined) return state;
  return { ...state, linkedDeliveries: [...state.linkedDeliveries, link.deliveryEventId] };
}

// A link whose effect is still to be written is owed until an event the delivery caused follows.
function settleOwedWebhookEffects(state: PaymentState, event: PaymentEvent): PaymentState {
  const owed = state.owedWebhookEffects ?? [];
  let next = owed;
  if (event.type === 'WebhookLinked') {
    const { deliveryEventId, effect } = event.data;
    if (effect === 'applied' || effect === 'conflict') next = [...owed, deliveryEventId];
  } else if (owed.length > 0) {
    const cause =
      event.type === 'PaymentOutcomeContradicted' && event.data.deliveryEventId !== undefined
        ? event.data.deliveryEventId
        : event.metadata.causationId;
    if (cause !== undefined && owed.includes(cause)) {
      next = owed.filter((deliveryEventId) => deliveryEventId !== cause);
    }
  }
  if (next === owed) return state;
  const settled: PaymentState = { ...state, owedWebhookEffects: next };
  if (next.length === 0) delete settled.owedWebhookEffects;
  return settled;
}

function evolveFacts(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRequested': {
      const { paymentId, amount, currency, customerId, orderId, description, at } = event.data;
      return {
        ...state,
        exists: true,
        paymentId,
        tenantId: event.metadata.tenantId,
        amount,
        currency,
        ...(customerId === undefined ? {} : { customerId }),
        ...(orderId === undefined ? {} : { orderId }),
        ...(description === undefined ? {} : { description }),
        status: 'requested',
        createdAt: at,
        updatedAt: at,
      };
    }
    case 'GatewayCallAttempted': {
      const attempt = event.data;
      const next: PaymentState = { ...state, attempts: state.attempts + 1, updatedAt: attempt.at };
      // A call the breaker or bulkhead refused sent nothing: the payment is not processing (an
      // accepted payment waiting out an open breaker stays `requested`).
      const sent = attempt.outcome !== 'circuit_open' && attempt.outcome !== 'bulkhead_rejected';
      if (attempt.operation === 'charge' && state.status === 'requested' && sent) {
        next.status = 'processing';
      }
      if (
        attempt.operation === 'charge' &&
        attempt.gatewayTransactionId !== undefined &&
        state.gatewayTransactionId === undefined
      ) {
        next.gatewayTransactionId = attempt.gatewayTransactionId;
      }
      if (attempt.outcome !== 'succeeded') {
        next.lastError = {
          outcome: attempt.outcome,
          ...(attempt.httpStatus === undefined ? {} : { httpStatus: attempt.httpStatus }),
          at: attempt.startedAt,
        };
      }
      return next;
    }
    case 'ChargeResumed':
      return {
        ...state,
        chargeResumptions: (state.chargeResumptions ?? 0) + 1,
        updatedAt: event.data.at,
      };
    case 'PaymentOutcomeContradicted': {
      // Only what the stored JSON should carry: optional members stay absent.
      const { at, ...report } = event.data;
      const contradiction: Contradiction = { ...report, at };
      return {
        ...state,
        contradictions: [...(state.contradictions ?? []), contradiction],
        updatedAt: at,
      };
    }
    case 'PaymentSucceeded': {
      const { amount, gatewayTransactionId, source, at } = event.data;
      const next: PaymentState = {
        ...state,
        status: 'succeeded',
        capturedAmount: amount,
        outcomeSource: source,
        updatedAt: at,
      };
      if (gatewayTransactionId !== undefined) next.gatewayTransactionId = gatewayTransactionId;
      // An earlier "unknown" (or a reconciled decline) no longer explains the status.
      delete next.statusReason;
      delete next.declineCode;
      delete next.failureCategory;
      return next;
    }
    case 'PaymentFailed': {
      const { reason, declineCode, category, source, at } = event.data;
      const next: PaymentState = {
        ...state,
        status: 'failed',
        statusReason: reason,
        outcomeSource: source,
        updatedAt: at,
      };
      if (declineCode === undefined) delete next.declineCode;
      else next.declineCode = declineCode;
      // Absent only for a v1 event read without the upcasters (a reader wired without them).
      if (category === undefined) delete next.failureCategory;
      else next.failureCategory = category;
      return next;
    }
    case 'PaymentOutcomeUnknown':
      return {
        ...state,
        status: 'outcome_unknown',
        statusReason: event.data.reason,
        outcomeSource: event.data.source,
        updatedAt: event.data.at,
      };
    case 'WebhookLinked':
      return {
        ...state,
        linkedDeliveries: [...state.linkedDeliveries, event.data.deliveryEventId],
        updatedAt: event.data.at,
      };
    case 'RefundRequested': {
      const { refundId, amount, reason, requestedAt, at } = event.data;
      const refund: RefundState = {
        amount,
        status: 'requested',
        ...(reason === undefined ? {} : { reason }),
        requestedAt,
        updatedAt: at,
      };
      return { ...state, refunds: { ...state.refunds, [refundId]: refund }, updatedAt: at };
    }
    case 'RefundResumed': {
      const { refundId, at } = event.data;
      const previous = findRefund(state, refundId);
      if (previous === undefined) return state;
      const refund: RefundState = {
        ...previous,
        resumptions: (previous.resumptions ?? 0) + 1,
        updatedAt: at,
      };
      return { ...state, refunds: { ...state.refunds, [refundId]: refund }, updatedAt: at };
    }
    case 'RefundSucceeded': {
      const { refundId, amount, gatewayRefundId, source, at } = event.data;
      const refund: RefundState = {
        ...findRefund(state, refundId),
        amount,
        status: 'succeeded',
        source,
        updatedAt: at,
      };
      if (gatewayRefundId !== undefined) refund.gatewayRefundId = gatewayRefundId;
      delete refund.statusReason;
      const refundedAmount = state.refundedAmount + amount;
      return {
        ...state,
        refundedAmount,
        status: statusAfterRefunds(state.capturedAmount, refundedAmount),
        refunds: { ...state.refunds, [refundId]: refund },
        updatedAt: at,
      };
    }
    case 'RefundFailed':
    case 'RefundOutcomeUnknown': {
      const { refundId, reason, source, at } = event.data;
      const previous = findRefund(state, refundId);
      const refund: RefundState = {
        ...previous,
        amount: previous?.amount ?? 0,
        status: event.type === 'RefundFailed' ? 'failed' : 'outcome_unknown',
        statusReason: reason,
        source,
        updatedAt: at,
      };
      return { ...state, refunds: { ...state.refunds, [refundId]: refund }, updatedAt: at };
    }
    default:
      return ignoreUnknownEvent(event, state);
  }
}

// A projection may meet an event type written by a newer release: it is skipped, not fatal.
// The `never` parameter still makes a missing `case` a compile error.
function ignoreUnknownEvent(_event: never, state: PaymentState): PaymentState {
  return state;
}

function statusAfterRefunds(capturedAmount: number, refundedAmount: number): PaymentStatus {
  if (refundedAmount <= 0) return 'succeeded';
  return refundedAmount >= capturedAmount ? 'refunded' : 'partially_refunded';
}

/** True while the charge has no definitive outcome: `requested`, `processing`, `outcome_unknown`. */
export function isUnsettled(state: PaymentState): boolean {
  return state.exists && !isTerminal(state);
}

/** True when the gateway has contradicted the recorded outcome at least once. */
export function isContradicted(state: PaymentState): boolean {
  return (state.contradictions?.length ?? 0) > 0;
}

/** True when the payment holds captured money that can still be refunded. */
export function isRefundable(state: PaymentState): boolean {
  return state.status === 'succeeded' || state.status === 'partially_refunded';
}

/**
 * True when the charge has a definitive outcome (`succeeded`, `failed`, or a refund state): later
 * charge conclusions are ignored. Refunds may still follow a succeeded charge.
 */
export function isTerminal(state: PaymentState): boolean {
  switch (state.status) {
    case 'succeeded':
    case 'failed':
    case 'partially_refunded':
    case 'refunded':
      return true;
    case 'requested':
    case 'processing':
    case 'outcome_unknown':
    case undefined:
      return false;
  }
}

/** The payment's refund with this id, if any (own keys only: an id like "constructor" is safe). */
export function findRefund(state: PaymentState, refundId: string): RefundState | undefined {
  return Object.prototype.hasOwnProperty.call(state.refunds, refundId)
    ? state.refunds[refundId]
    : undefined;
}

/** True while a refund may still move money: `requested`, or `outcome_unknown`. */
export function isRefundPending(refund: RefundState): boolean {
  return refund.status === 'requested' || refund.status === 'outcome_unknown';
}

/** Sum of the pending refunds' amounts, leaving out `exceptRefundId` when given. */
export function pendingRefundAmount(state: PaymentState, exceptRefundId?: string): number {
  let total = 0;
  for (const [refundId, refund] of Object.entries(state.refunds)) {
    if (refundId !== exceptRefundId && isRefundPending(refund)) total += refund.amount;
  }
  return total;
}

/**
 * What can still be refunded: captured minus refunded minus pending refunds (an unknown refund may
 * have gone through, so it holds its amount until it is concluded). Never negative.
 */
export function refundableBalance(state: PaymentState, exceptRefundId?: string): number {
  return Math.max(
    0,
    state.capturedAmount - state.refundedAmount - pendingRefundAmount(state, exceptRefundId),
  );
}
