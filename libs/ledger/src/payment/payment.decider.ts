/**
 * The payment decider. Rules worth knowing before changing it:
 *
 * - Time: every event's `data.at` is the deciding command's `metadata.now`; `evolve` takes
 *   `createdAt`/`updatedAt` from it. Optional members are omitted, never `undefined`.
 * - Every event carries its type's current `schemaVersion` (`PAYMENT_EVENT_VERSIONS`).
 * - A failed charge has a `category`: the command's, else derived from its reason and decline
 *   code (`paymentFailureCategory`); a webhook's failure is always `declined`.
 * - The first definitive outcome wins, for the charge and for each refund: once succeeded or
 *   failed, later conclusions decide nothing, and `unknown` never overrides what is known.
 *   "Unknown" (the gateway may have acted but never answered) is never turned into a failure.
 * - Refundable balance = captured - refunded - pending refunds (`requested` or
 *   `outcome_unknown`: an unknown refund may have moved money, so it keeps its reservation).
 * - `ApplyWebhook` links every delivery once, in one event: the state event it causes carries the
 *   link (`webhook`), and a delivery that changes nothing is linked by a `WebhookLinked` alone
 *   (`no_change`, `unhandled`). A delivery already linked decides nothing, unless its effect is
 *   owed (streams written before the one-event link, below). Effects, by intent and state:
 *
 *   - payment_succeeded: applied from requested/processing/outcome_unknown; no_change once
 *     succeeded or refunded; conflict when failed, or when the webhook's money does not fit
 *     (above the requested amount, another currency, not integer minor units).
 *   - payment_failed: applied from requested/processing/outcome_unknown; no_change when failed;
 *     conflict once succeeded or refunded.
 *   - refund_succeeded (refund id = `refundId` or `wh_<deliveryId>`): no_change when that refund
 *     succeeded; conflict when it failed, when the payment is not refundable, when no amount is
 *     known, or when the amount exceeds the balance (its own reservation counts as available);
 *     applied otherwise, also for a refund the ledger never requested.
 *   - refund_failed: applied when the refund is pending; no_change when it failed or the ledger
 *     knows no such refund (a failed refund moved no money); conflict when it succeeded.
 *   - unknown: unhandled (linked and flagged, nothing else).
 *
 *   Every `conflict` of a payment or refund intent is recorded as `PaymentOutcomeContradicted`
 *   (the gateway said something the ledger's outcome contradicts): never silently dropped.
 * - One event, one conditional put on the version read: the link and the change cannot part, so a
 *   crash after the put leaves a delivery that is linked and owes nothing, and a lost race re-runs
 *   on the state the winner left (the delivery is then decided afresh, or found linked).
 * - Streams written before the one-event link hold `WebhookLinked` for every effect, followed by
 *   the state event as a second put. When that link is durable and its effect is not (a crash
 *   between the puts, or another writer took the next version), the effect is owed
 *   (`owedWebhookEffects`): the next handling of the same delivery decides it again on the state
 *   as it is then and appends that alone, never a second link. An owed effect is settled by the
 *   first event the delivery caused, so it is appended once. If another event landed in between,
 *   that re-decision may differ from the link's `effect`, which records what the webhook found
 *   when it was linked; the events after it say what happened: no event when the payment was
 *   concluded the same way meanwhile, a `PaymentOutcomeContradicted` when it was concluded the
 *   other way. A payment is never left undecided behind an `applied` link.
 * - `failed` only from a definitive answer, or from a refusal to send (`not_attempted`) while the
 *   stream proves that no other run may have sent the charge: every run but the requesting one
 *   records `ChargeResumed` before it may send. After one, a refusal is `outcome_unknown`.
 * - A definitive conclusion (reconcile) that contradicts a recorded outcome is recorded as
 *   `PaymentOutcomeContradicted` once per report; the recorded status stands.
 * - A webhook's decline reads as the HTTP answer's does: its reason is the decline code when the
 *   provider gave one.
 */
import { ValidationFailedError } from '@ledger/errors';
import {
  type CommandMetadata,
  type Decider,
  type DomainEventMetadata,
  eventMetadataFrom,
  unhandledCommand,
  withoutUndefined,
} from '../decider/decider';
import type {
  ApplyWebhook,
  ConcludeCharge,
  ConcludeRefund,
  PaymentCommand,
  RecordGatewayAttempt,
  RequestPayment,
  RequestRefund,
  ResumeCharge,
  ResumeRefund,
} from './payment.commands';
import {
  PaymentAlreadyExistsError,
  PaymentNotFoundError,
  PaymentNotRefundableError,
  RefundAlreadyExistsError,
  RefundExceedsBalanceError,
  RefundNotFoundError,
} from './payment.errors';
import type {
  PaymentEvent,
  PaymentEventType,
  PaymentOutcomeContradicted,
  ReportedOutcome,
  WebhookEffect,
  WebhookLink,
} from './payment.events';
import { NOT_ATTEMPTED_REASON_PREFIX, paymentFailureCategory } from './payment.failure-category';
import {
  evolvePayment,
  findRefund,
  initialPaymentState,
  isRefundable,
  isRefundPending,
  isTerminal,
  type PaymentState,
  refundableBalance,
} from './payment.state';
import { PAYMENT_EVENT_VERSIONS } from './payment.upcasters';

/** Reason recorded when a decline arrives without one. */
export const DEFAULT_DECLINE_REASON = 'declined';
/** Reason recorded when a refund failure arrives without one. */
export const DEFAULT_REFUND_FAILURE_REASON = 'refund_failed';
/** Why a refusal to send is `outcome_unknown` once another run may have sent the charge. */
export const EARLIER_RUN_MAY_HAVE_SENT = 'but an earlier run may have sent the charge';
/** Reason recorded when an outcome is unknown and the caller gave none. */
export const DEFAULT_UNKNOWN_REASON = 'no_definitive_answer';

const CURRENCY = /^[A-Z]{3}$/;

/**
 * Decides what a payment command changes: the events to append (none when the command changes
 * nothing), or a `LedgerError` when the command is refused.
 */
export function decidePayment(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'RequestPayment':
      return requestPayment(command, state);
    case 'RecordGatewayAttempt':
      return recordGatewayAttempt(command, state);
    case 'ResumeCharge':
      return resumeCharge(command, state);
    case 'ConcludeCharge':
      return concludeCharge(command, state);
    case 'ApplyWebhook':
      return applyWebhook(command, state);
    case 'RequestRefund':
      return requestRefund(command, state);
    case 'ResumeRefund':
      return resumeRefund(command, state);
    case 'ConcludeRefund':
      return concludeRefund(command, state);
    default:
      return unhandledCommand(command);
  }
}

/** The payment aggregate as a decider. */
export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  decide: decidePayment,
  evolve: evolvePayment,
  initialState: initialPaymentState,
};

function requestPayment(command: RequestPayment, state: PaymentState): PaymentEvent[] {
  const { paymentId, amount, currency, customerId, orderId, description, mode } = command.data;
  const errors = [
    ...(typeof paymentId === 'string' && paymentId !== '' ? [] : ['paymentId must not be empty']),
    ...amountErrors(amount),
    ...(typeof currency === 'string' && CURRENCY.test(currency)
      ? []
      : ['currency must be an ISO 4217 code in upper case, e.g. EUR']),
  ];
  if (errors.length > 0) throw new ValidationFailedError('The payment request is invalid', errors);
  if (state.exists) throw new PaymentAlreadyExistsError(state.paymentId ?? paymentId);

  return [
    emit(
      'PaymentRequested',
      {
        paymentId,
        amount,
        currency,
        customerId,
        orderId,
        description,
        requestedAt: command.metadata.now,
        mode,
      },
      command.metadata,
    ),
  ];
}

function recordGatewayAttempt(command: RecordGatewayAttempt, state: PaymentState): PaymentEvent[] {
  requireExisting(state);
  const attempt = command.data;
  const errors = [
    ...(Number.isSafeInteger(attempt.attempt) && attempt.attempt >= 1
      ? []
      : ['attempt must be a positive integer']),
    ...(Number.isFinite(attempt.durationMs) && attempt.durationMs >= 0
      ? []
      : ['durationMs must be a non-negative number']),
    ...(attempt.operation === 'refund' && !attempt.refundId
      ? ['refundId is required for a refund attempt']
      : []),
  ];
  if (errors.length > 0) throw new ValidationFailedError('The gateway attempt is invalid', errors);

  // Picked member by member so that nothing outside the event's schema is persisted.
  return [
    emit(
      'GatewayCallAttempted',
      {
        operation: attempt.operation,
        refundId: attempt.refundId,
        attempt: attempt.attempt,
        idempotencyKey: attempt.idempotencyKey,
        method: attempt.method,
        path: attempt.path,
        startedAt: attempt.startedAt,
        durationMs: attempt.durationMs,
        outcome: attempt.outcome,
        httpStatus: attempt.httpStatus,
        gatewayRequestId: attempt.gatewayRequestId,
        gatewayTransactionId: attempt.gatewayTransactionId,
        nextDelayMs: attempt.nextDelayMs,
        breakerState: attempt.breakerState,
      },
      command.metadata,
    ),
  ];
}

function resumeCharge(command: ResumeCharge, state: PaymentState): PaymentEvent[] {
  requireExisting(state);
  // A concluded charge is never sent again, so there is nothing to mark.
  if (isTerminal(state)) return [];
  return [emit('ChargeResumed', { by: command.data.by }, command.metadata)];
}

function concludeCharge(command: ConcludeCharge, state: PaymentState): PaymentEvent[] {
  requireExisting(state);
  const { outcome, gatewayTransactionId, reason, declineCode, category, source } = command.data;
  // The first definitive outcome wins: a late answer never rewrites succeeded or failed, and
  // "unknown" never overrides what is known. A definitive answer that disagrees is recorded.
  if (isTerminal(state)) return chargeContradiction(command, state);

  switch (outcome) {
    case 'succeeded':
      return [
        emit(
          'PaymentSucceeded',
          {
            amount: state.amount,
            gatewayTransactionId: gatewayTransactionId ?? state.gatewayTransactionId,
            source,
          },
          command.metadata,
        ),
      ];
    case 'declined':
      return [
        emit(
          'PaymentFailed',
          {
            reason: reason ?? DEFAULT_DECLINE_REASON,
            declineCode,
            category: category ?? paymentFailureCategory(reason, declineCode),
            source,
          },
          command.metadata,
        ),
      ];
    case 'not_attempted': {
      const refusal = reason ?? 'not_attempted';
      // Proof that nothing was ever sent: this run sent nothing, and no other run may have.
      if (state.chargeResumptions === undefined) {
        return [
          emit(
            'PaymentFailed',
            {
              reason: `${NOT_ATTEMPTED_REASON_PREFIX}: ${refusal}`,
              declineCode: refusal,
              category: 'gateway_unavailable',
              source,
            },
            command.metadata,
          ),
        ];
      }
      if (state.status === 'outcome_unknown') return [];
      return [
        emit(
          'PaymentOutcomeUnknown',
          {
            reason: `${NOT_ATTEMPTED_REASON_PREFIX} (${refusal}) ${EARLIER_RUN_MAY_HAVE_SENT}`,
            source,
          },
          command.metadata,
        ),
      ];
    }
    case 'unknown':
      // Honest: the gateway may have charged. Reconciliation or a webhook settles it later.
      return [
        emit(
          'PaymentOutcomeUnknown',
          { reason: reason ?? DEFAULT_UNKNOWN_REASON, source },
          command.metadata,
        ),
      ];
  }
}

// A definitive conclusion reaching a concluded charge: recorded when it disagrees, once per report.
function chargeContradiction(command: ConcludeCharge, state: PaymentState): PaymentEvent[] {
  const { outcome, gatewayTransactionId, source } = command.data;
  let contradiction: Omit<PaymentOutcomeContradicted['data'], 'at'> | undefined;
  if (outcome === 'succeeded' && state.status === 'failed') {
    contradiction = {
      reported: 'payment_succeeded',
      recordedStatus: state.status,
      conflict: 'payment_failed_at_ledger',
      source,
      gatewayTransactionId,
    };
  } else if (outcome === 'declined' && state.status !== 'failed' && state.status !== undefined) {
    contradiction = {
      reported: 'payment_failed',
      recordedStatus: state.status,
      conflict: 'payment_succeeded_at_ledger',
      source,
      gatewayTransactionId,
    };
  }
  if (contradiction === undefined) return [];
  const reported = contradiction;
  const known = (state.contradictions ?? []).some(
    (c) =>
      c.reported === reported.reported &&
      c.source === reported.source &&
      c.gatewayTransactionId === reported.gatewayTransactionId,
  );
  return known ? [] : [emit('PaymentOutcomeContradicted', contradiction, command.metadata)];
}

function applyWebhook(command: ApplyWebhook, state: PaymentState): PaymentEvent[] {
  requireExisting(state);
  const delivery = command.data;
  // Idempotent on the delivery: the correlator may hand the same delivery over more than once.
  // A linked delivery decides nothing more, unless its effect is still owed (see the header).
  if (state.linkedDeliveries.includes(delivery.deliveryEventId)) {
    if (!(state.owedWebhookEffects ?? []).includes(delivery.deliveryEventId)) return [];
    return effectEvents(command, state, webhookEffect(command, state));
  }

  // One event per decision: the state event carries the link; a link alone when nothing changes.
  const link: WebhookLink = {
    deliveryEventId: delivery.deliveryEventId,
    deliveryStreamId: delivery.deliveryStreamId,
    provider: delivery.provider,
    deliveryId: delivery.deliveryId,
    providerEventType: delivery.providerEventType,
    intent: delivery.intent,
    receivedAt: delivery.receivedAt,
  };
  const outcome = webhookEffect(command, state, link);
  const effects = effectEvents(command, state, outcome, link);
  if (effects.length > 0) return effects;
  return [emit('WebhookLinked', { ...link, effect: outcome.effect }, command.metadata)];
}

// What a webhook's effect writes: the state event, or the contradiction (with the link, if given).
function effectEvents(
  command: ApplyWebhook,
  state: PaymentState,
  { events, conflict }: WebhookOutcome,
  link?: WebhookLink,
): PaymentEvent[] {
  const { intent } = command.data;
  if (conflict === undefined || intent === 'unknown') return events;
  return [webhookContradiction(command, state, intent, conflict, link)];
}

function webhookContradiction(
  command: ApplyWebhook,
  state: PaymentState,
  reported: ReportedOutcome,
  conflict: string,
  webhook: WebhookLink | undefined,
): PaymentEvent {
  const delivery = command.data;
  return emit(
    'PaymentOutcomeContradicted',
    {
      reported,
      recordedStatus: state.status ?? 'requested',
      conflict,
      source: 'webhook',
      deliveryEventId: delivery.deliveryEventId,
      gatewayTransactionId: delivery.gatewayTransactionId,
      refundId:
        reported === 'refund_succeeded' || reported === 'refund_failed'
          ? webhookRefundId(command)
          : undefined,
      amount: delivery.amount,
      currency: delivery.currency,
      webhook,
    },
    command.metadata,
  );
}

type WebhookOutcome = { effect: WebhookEffect; events: PaymentEvent[]; conflict?: string };

const noChange: WebhookOutcome = { effect: 'no_change', events: [] };
const conflictOf = (conflict: string): WebhookOutcome => ({
  effect: 'conflict',
  events: [],
  conflict,
});

// `webhook`: the link the state event carries; absent when an old stream's link is written already.
function webhookEffect(
  command: ApplyWebhook,
  state: PaymentState,
  webhook?: WebhookLink,
): WebhookOutcome {
  const delivery = command.data;
  switch (delivery.intent) {
    case 'payment_succeeded': {
      if (state.status === 'failed') return conflictOf('payment_failed_at_ledger');
      if (isTerminal(state)) return noChange;
      const amount = delivery.amount ?? state.amount;
      // More than was asked for, or another currency, is not silently booked.
      if (!moneyMatches(state, amount, delivery.currency) || amount > state.amount) {
        return conflictOf('amount_or_currency_mismatch');
      }
      return applied(
        emit(
          'PaymentSucceeded',
          {
            amount,
            gatewayTransactionId: delivery.gatewayTransactionId ?? state.gatewayTransactionId,
            source: 'webhook',
            webhook,
          },
          command.metadata,
        ),
      );
    }
    case 'payment_failed': {
      if (state.status === 'failed') return noChange;
      if (isTerminal(state)) return conflictOf('payment_succeeded_at_ledger');
      return applied(
        emit(
          'PaymentFailed',
          {
            reason: delivery.declineCode ?? delivery.reason ?? DEFAULT_DECLINE_REASON,
            declineCode: delivery.declineCode,
            category: 'declined',
            source: 'webhook',
            webhook,
          },
          command.metadata,
        ),
      );
    }
    case 'refund_succeeded': {
      const refundId = webhookRefundId(command);
      const refund = findRefund(state, refundId);
      if (refund?.status === 'succeeded') return noChange;
      if (refund?.status === 'failed') return conflictOf('refund_failed_at_ledger');
      if (!isRefundable(state)) return conflictOf('payment_not_refundable');
      const amount = delivery.amount ?? refund?.amount;
      if (amount === undefined) return conflictOf('refund_amount_unknown');
      if (!moneyMatches(state, amount, delivery.currency)) {
        return conflictOf('amount_or_currency_mismatch');
      }
      // The refund's own reservation is available to it; other pending refunds are not.
      if (amount > refundableBalance(state, refundId)) return conflictOf('refund_exceeds_balance');
      return applied(
        emit(
          'RefundSucceeded',
          {
            refundId,
            amount,
            gatewayRefundId: delivery.gatewayRefundId,
            source: 'webhook',
            webhook,
          },
          command.metadata,
        ),
      );
    }
    case 'refund_failed': {
      const refundId = webhookRefundId(command);
      const refund = findRefund(state, refundId);
      // A failure of a refund this ledger never asked for moved no money: nothing to record.
      if (refund === undefined || refund.status === 'failed') return noChange;
      if (refund.status === 'succeeded') return conflictOf('refund_succeeded_at_ledger');
      return applied(
        emit(
          'RefundFailed',
          {
            refundId,
            reason: delivery.reason ?? DEFAULT_REFUND_FAILURE_REASON,
            source: 'webhook',
            webhook,
          },
          command.metadata,
        ),
      );
    }
    case 'unknown':
      return { effect: 'unhandled', events: [] };
  }
}

function requestRefund(command: RequestRefund, state: PaymentState): PaymentEvent[] {
  requireExisting(state);
  const { refundId, amount, reason, mode } = command.data;
  const errors = [
    ...(typeof refundId === 'string' && refundId !== '' ? [] : ['refundId must not be empty']),
    ...amountErrors(amount),
  ];
  if (errors.length > 0) throw new ValidationFailedError('The refund request is invalid', errors);
  if (findRefund(state, refundId) !== undefined) throw new RefundAlreadyExistsError(refundId);
  if (!isRefundable(state)) throw new PaymentNotRefundableError(state.status);
  const refundable = refundableBalance(state);
  if (amount > refundable) throw new RefundExceedsBalanceError(amount, refundable);

  return [
    emit(
      'RefundRequested',
      { refundId, amount, reason, requestedAt: command.metadata.now, mode },
      command.metadata,
    ),
  ];
}

function resumeRefund(command: ResumeRefund, state: PaymentState): PaymentEvent[] {
  requireExisting(state);
  const { refundId, by } = command.data;
  const refund = findRefund(state, refundId);
  if (refund === undefined) throw new RefundNotFoundError(refundId);
  if (!isRefundPending(refund)) return [];
  return [emit('RefundResumed', { refundId, by }, command.metadata)];
}

function concludeRefund(command: ConcludeRefund, state: PaymentState): PaymentEvent[] {
  requireExisting(state);
  const { refundId, outcome, gatewayRefundId, reason, source } = command.data;
  const refund = findRefund(state, refundId);
  if (refund === undefined) throw new RefundNotFoundError(refundId);
  // As for the charge: the first definitive outcome wins.
  if (!isRefundPending(refund)) return [];

  switch (outcome) {
    case 'succeeded':
      return [
        emit(
          'RefundSucceeded',
          { refundId, amount: refund.amount, gatewayRefundId, source },
          command.metadata,
        ),
      ];
    case 'failed':
      return [
        emit(
          'RefundFailed',
          { refundId, reason: reason ?? DEFAULT_REFUND_FAILURE_REASON, source },
          command.metadata,
        ),
      ];
    case 'not_attempted': {
      const refusal = reason ?? 'not_attempted';
      // As for the charge: a failure only while no other run may have sent this refund.
      if (refund.resumptions === undefined) {
        return [
          emit(
            'RefundFailed',
            { refundId, reason: `${NOT_ATTEMPTED_REASON_PREFIX}: ${refusal}`, source },
            command.metadata,
          ),
        ];
      }
      if (refund.status === 'outcome_unknown') return [];
      return [
        emit(
          'RefundOutcomeUnknown',
          {
            refundId,
            reason: `${NOT_ATTEMPTED_REASON_PREFIX} (${refusal}) but an earlier run may have sent the refund`,
            source,
          },
          command.metadata,
        ),
      ];
    }
    case 'unknown':
      return [
        emit(
          'RefundOutcomeUnknown',
          { refundId, reason: reason ?? DEFAULT_UNKNOWN_REASON, source },
          command.metadata,
        ),
      ];
  }
}

function requireExisting(state: PaymentState): void {
  if (!state.exists) throw new PaymentNotFoundError(state.paymentId);
}

function amountErrors(amount: number): string[] {
  return Number.isSafeInteger(amount) && amount > 0
    ? []
    : ['amount must be a positive integer number of minor units'];
}

function moneyMatches(state: PaymentState, amount: number, currency?: string): boolean {
  return (
    Number.isSafeInteger(amount) &&
    amount > 0 &&
    (currency === undefined || currency === state.currency)
  );
}

function webhookRefundId(command: ApplyWebhook): string {
  return command.data.refundId ?? `wh_${command.data.deliveryId}`;
}

function applied(event: PaymentEvent): WebhookOutcome {
  return { effect: 'applied', events: [event] };
}

type EventOfType<T extends PaymentEventType> = Extract<PaymentEvent, { type: T }>;
type DataOf<T extends PaymentEventType> = EventOfType<T>['data'];
type BodyOf<T extends PaymentEventType> = Omit<DataOf<T>, 'at'>;

// One stamping function per event type, each checked against its own type: a single generic one
// could not be related back to the union member it builds without a cast.
const stamp: { readonly [T in PaymentEventType]: (body: BodyOf<T>, at: string) => DataOf<T> } = {
  PaymentRequested: (body, at) => ({ ...body, at }),
  GatewayCallAttempted: (body, at) => ({ ...body, at }),
  ChargeResumed: (body, at) => ({ ...body, at }),
  PaymentSucceeded: (body, at) => ({ ...body, at }),
  PaymentFailed: (body, at) => ({ ...body, at }),
  PaymentOutcomeUnknown: (body, at) => ({ ...body, at }),
  WebhookLinked: (body, at) => ({ ...body, at }),
  PaymentOutcomeContradicted: (body, at) => ({ ...body, at }),
  RefundRequested: (body, at) => ({ ...body, at }),
  RefundResumed: (body, at) => ({ ...body, at }),
  RefundSucceeded: (body, at) => ({ ...body, at }),
  RefundFailed: (body, at) => ({ ...body, at }),
  RefundOutcomeUnknown: (body, at) => ({ ...body, at }),
};

// Every event gets its type's current schema version, the command's `now` as `data.at` and the
// command's tracing metadata; optional members left `undefined` are dropped so the data stays
// plain JSON.
function emit<T extends PaymentEventType>(
  type: T,
  data: BodyOf<T>,
  metadata: CommandMetadata,
): { type: T; data: DataOf<T>; metadata: DomainEventMetadata; schemaVersion: number } {
  return {
    type,
    data: withoutUndefined(stamp[type](data, metadata.now)),
    metadata: eventMetadataFrom(metadata),
    schemaVersion: PAYMENT_EVENT_VERSIONS[type],
  };
}
