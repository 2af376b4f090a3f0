/**
 * From the ledger's internal payment events to the published integration events.
 *
 * Every contract field is picked by name, so nothing the internal event gains later (or holds
 * already: idempotency keys, request paths, delivery stream ids) reaches subscribers unless the
 * contract is changed on purpose. Internal enum values go through lookup tables typed as
 * `Record<internal, contract>`: a value added inside the ledger fails to compile here.
 */
import { createHash } from 'node:crypto';
import { TIME_LEN, ulid } from 'ulid';
import {
  type BreakerState,
  type ConclusionSource,
  decodePaymentEvent,
  findRefund,
  foldPaymentStream,
  type GatewayAttemptOutcome,
  initialPaymentState,
  isPaymentEventType,
  type OutcomeSource,
  parsePaymentStreamId,
  type PaymentState,
  type PaymentStatus,
  type ReportedOutcome,
  type WebhookEffect,
  webhookEffectOf,
  webhookLinkOf,
  withoutUndefined,
} from '@ledger/ledger';
import { ContractMappingError } from '../contracts.errors';
import {
  type BreakerStateV1,
  DEFAULT_SOURCE,
  type DetailType,
  type GatewayCallOutcomeV1,
  type GatewayOperationV1,
  type IntegrationEvent,
  type IntegrationEventDataV1,
  type IntegrationEventOf,
  type OutcomeSourceV1,
  type PaymentStatusV1,
  type ReportedOutcomeV1,
  SCHEMA_VERSION_V1,
  type UnknownOutcomeSourceV1,
  type WebhookEffectV1,
} from '../events/integration-events.v1';

/** A stored ledger event, as much of it as the mapping reads (an event store's `StoredEvent` fits). */
export type StoredEventLike = Readonly<{
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  data: unknown;
  /** Not read: the tenant comes from the stream id, which the store keys on. */
  metadata?: unknown;
  recordedAt: string;
}>;

/** How the publisher sends: its `Source`, and whether this is a replay. */
export type IntegrationEventOptions = {
  /** The EventBridge `Source`; `DEFAULT_SOURCE` when absent. */
  source?: string;
  /** True when re-delivering past events; subscribers may treat those differently. */
  replay?: boolean;
};

const OUTCOME_SOURCES: Record<OutcomeSource, OutcomeSourceV1> = {
  gateway_response: 'gateway_response',
  reconcile: 'reconcile',
  webhook: 'webhook',
};

const UNKNOWN_OUTCOME_SOURCES: Record<ConclusionSource, UnknownOutcomeSourceV1> = {
  gateway_response: 'gateway_response',
  reconcile: 'reconcile',
};

const PAYMENT_STATUSES: Record<PaymentStatus, PaymentStatusV1> = {
  requested: 'requested',
  processing: 'processing',
  succeeded: 'succeeded',
  failed: 'failed',
  outcome_unknown: 'outcome_unknown',
  partially_refunded: 'partially_refunded',
  refunded: 'refunded',
};

const REPORTED_OUTCOMES: Record<ReportedOutcome, ReportedOutcomeV1> = {
  payment_succeeded: 'payment_succeeded',
  payment_failed: 'payment_failed',
  refund_succeeded: 'refund_succeeded',
  refund_failed: 'refund_failed',
};

const WEBHOOK_EFFECTS: Record<WebhookEffect, WebhookEffectV1> = {
  applied: 'applied',
  no_change: 'no_change',
  unhandled: 'unhandled',
  conflict: 'conflict',
};

const GATEWAY_OUTCOMES: Record<GatewayAttemptOutcome, GatewayCallOutcomeV1> = {
  succeeded: 'succeeded',
  http_error: 'http_error',
  timeout: 'timeout',
  network_error: 'network_error',
  circuit_open: 'circuit_open',
  bulkhead_rejected: 'bulkhead_rejected',
};

const BREAKER_STATES: Record<BreakerState, BreakerStateV1> = {
  closed: 'closed',
  open: 'open',
  half_open: 'half_open',
  isolated: 'isolated',
};

const GATEWAY_OPERATIONS: Record<'charge' | 'refund', GatewayOperationV1> = {
  charge: 'charge',
  refund: 'refund',
};

/**
 * Every integration event one stored ledger event publishes, in the order to send them: a state
 * event that carries the link of the webhook delivery that caused it (`webhook`) publishes that
 * delivery's `webhook.received` first, as the `WebhookLinked` before it used to, then its own
 * event. That `webhook.received` has the state event's `streamVersion` and an `eventId` derived
 * from the state event's (`linkedDeliveryEventId`): stable on every redelivery and replay, never
 * the state event's own, and not the delivery's internal id. Empty when it publishes nothing.
 * The publisher and replays use this.
 */
export function integrationEventsOf(
  event: StoredEventLike,
  stateAfter: PaymentState,
  options: IntegrationEventOptions = {},
): IntegrationEvent[] {
  const own = toIntegrationEvent(event, stateAfter, options);
  if (own === undefined || own.detailType === 'webhook.received') return own ? [own] : [];
  const domainEvent = decodePaymentEvent(event);
  const link = domainEvent && webhookLinkOf(domainEvent);
  const effect = domainEvent && webhookEffectOf(domainEvent);
  if (link === undefined || effect === undefined) return [own];
  const received: IntegrationEventOf<'webhook.received'> = {
    source: own.source,
    detailType: 'webhook.received',
    detail: {
      ...own.detail,
      eventId: linkedDeliveryEventId(event.eventId),
      data: {
        provider: link.provider,
        providerEventType: link.providerEventType,
        deliveryId: link.deliveryId,
        effect: lookUp(WEBHOOK_EFFECTS, effect, 'effect', event),
        receivedAt: link.receivedAt,
      },
    },
  };
  return [received, own];
}

/**
 * The integration event of one stored ledger event itself, or `undefined` when it publishes none
 * (not a payment stream, or an event type this release does not know). `stateAfter` is the
 * payment folded up to and including `event`; it supplies what the event alone does not say
 * (currency, balances, status after the change). A state event that carries a webhook link
 * publishes that delivery's `webhook.received` too: `integrationEventsOf` gives both.
 */
export function toIntegrationEvent(
  event: StoredEventLike,
  stateAfter: PaymentState,
  options: IntegrationEventOptions = {},
): IntegrationEvent | undefined {
  const stream = parsePaymentStreamId(event.streamId);
  if (stream === undefined || !isPaymentEventType(event.type)) return undefined;
  const payment = requirePayment(stateAfter, stream.paymentId, event);
  const domainEvent = decodePaymentEvent(event);
  if (domainEvent === undefined) return undefined;

  const publish = <T extends DetailType>(
    detailType: T,
    data: IntegrationEventDataV1[T],
  ): IntegrationEventOf<T> => ({
    source: options.source ?? DEFAULT_SOURCE,
    detailType,
    detail: {
      eventId: event.eventId,
      // When the ledger decided (the command's clock), stable across republishing.
      occurredAt: domainEvent.data.at,
      tenantId: stream.tenantId,
      paymentId: stream.paymentId,
      streamVersion: event.version,
      schemaVersion: SCHEMA_VERSION_V1,
      replay: options.replay ?? false,
      data,
    },
  });

  switch (domainEvent.type) {
    case 'PaymentRequested': {
      const { amount, currency, customerId, orderId, requestedAt, mode } = domainEvent.data;
      // `description` stays out: free text the tenant typed, possibly personal, and not a fact
      // any consumer acts on (it is available from GET /payments/{id}).
      return publish(
        'payment.requested',
        withoutUndefined({ amount, currency, customerId, orderId, requestedAt, mode }),
      );
    }
    case 'GatewayCallAttempted': {
      const attempt = domainEvent.data;
      // The idempotency key, method, path and gateway request id stay internal: consumers need
      // how the call went, not how to repeat it.
      return publish(
        'gateway.call_attempted',
        withoutUndefined({
          operation: lookUp(GATEWAY_OPERATIONS, attempt.operation, 'operation', event),
          refundId: attempt.refundId,
          attempt: attempt.attempt,
          outcome: lookUp(GATEWAY_OUTCOMES, attempt.outcome, 'outcome', event),
          httpStatus: attempt.httpStatus,
          durationMs: attempt.durationMs,
          startedAt: attempt.startedAt,
          nextDelayMs: attempt.nextDelayMs,
          breakerState: lookUp(BREAKER_STATES, attempt.breakerState, 'breakerState', event),
        }),
      );
    }
    case 'PaymentSucceeded': {
      const { amount, gatewayTransactionId, source } = domainEvent.data;
      return publish(
        'payment.succeeded',
        withoutUndefined({
          amount: payment.amount,
          currency: payment.currency,
          capturedAmount: amount,
          gatewayTransactionId,
          source: lookUp(OUTCOME_SOURCES, source, 'source', event),
        }),
      );
    }
    case 'PaymentFailed': {
      const { reason, declineCode, source } = domainEvent.data;
      return publish(
        'payment.failed',
        withoutUndefined({
          amount: payment.amount,
          currency: payment.currency,
          reason,
          declineCode,
          source: lookUp(OUTCOME_SOURCES, source, 'source', event),
        }),
      );
    }
    case 'PaymentOutcomeUnknown': {
      const { reason, source } = domainEvent.data;
      return publish('payment.outcome_unknown', {
        amount: payment.amount,
        currency: payment.currency,
        reason,
        source: lookUp(UNKNOWN_OUTCOME_SOURCES, source, 'source', event),
      });
    }
    case 'WebhookLinked': {
      const delivery = domainEvent.data;
      // What the delivery did, not what it said: the body and headers live on the delivery's
      // own stream and are never published.
      return publish('webhook.received', {
        provider: delivery.provider,
        providerEventType: delivery.providerEventType,
        deliveryId: delivery.deliveryId,
        effect: lookUp(WEBHOOK_EFFECTS, delivery.effect, 'effect', event),
        receivedAt: delivery.receivedAt,
      });
    }
    case 'PaymentOutcomeContradicted': {
      const report = domainEvent.data;
      // The delivery's event id stays internal: subscribers get what was contradicted, and the
      // payment's history shows the delivery.
      return publish(
        'payment.outcome_contradicted',
        withoutUndefined({
          amount: payment.amount,
          currency: payment.currency,
          reported: lookUp(REPORTED_OUTCOMES, report.reported, 'reported', event),
          recordedStatus: lookUp(PAYMENT_STATUSES, report.recordedStatus, 'recordedStatus', event),
          conflict: report.conflict,
          source: lookUp(OUTCOME_SOURCES, report.source, 'source', event),
          gatewayTransactionId: report.gatewayTransactionId,
          refundId: report.refundId,
          reportedAmount: report.amount,
          reportedCurrency: report.currency,
        }),
      );
    }
    case 'ChargeResumed':
    case 'RefundResumed':
      // Internal markers of which runs may have sent a request; consumers see the attempts.
      return undefined;
    case 'RefundRequested': {
      const { refundId, amount, reason, requestedAt, mode } = domainEvent.data;
      return publish(
        'refund.requested',
        withoutUndefined({
          refundId,
          amount,
          currency: payment.currency,
          reason,
          requestedAt,
          mode,
        }),
      );
    }
    case 'RefundSucceeded': {
      const { refundId, amount, gatewayRefundId, source } = domainEvent.data;
      return publish(
        'refund.succeeded',
        withoutUndefined({
          refundId,
          amount,
          currency: payment.currency,
          gatewayRefundId,
          source: lookUp(OUTCOME_SOURCES, source, 'source', event),
          capturedAmount: payment.capturedAmount,
          refundedAmount: payment.refundedAmount,
          paymentStatus: lookUp(PAYMENT_STATUSES, payment.status, 'status', event),
        }),
      );
    }
    case 'RefundFailed': {
      const { refundId, reason, source } = domainEvent.data;
      return publish('refund.failed', {
        refundId,
        amount: refundAmount(payment, refundId, event),
        currency: payment.currency,
        reason,
        source: lookUp(OUTCOME_SOURCES, source, 'source', event),
      });
    }
    case 'RefundOutcomeUnknown': {
      const { refundId, reason, source } = domainEvent.data;
      return publish('refund.outcome_unknown', {
        refundId,
        amount: refundAmount(payment, refundId, event),
        currency: payment.currency,
        reason,
        source: lookUp(UNKNOWN_OUTCOME_SOURCES, source, 'source', event),
      });
    }
    default:
      return notPublished(domainEvent);
  }
}

/**
 * The integration events of a whole payment stream, read from version 1 in order: folds the
 * stream with `foldPaymentStream` (each event decoded) and maps each event with the state after it (for replays and
 * republishing; the live publisher does the same one event at a time).
 */
export function toIntegrationEvents(
  streamEvents: readonly StoredEventLike[],
  options: IntegrationEventOptions = {},
): IntegrationEvent[] {
  let state = initialPaymentState();
  const published: IntegrationEvent[] = [];
  streamEvents.forEach((event, index) => {
    // A gap or a stream read from the middle would fold into a wrong state: refuse it.
    if (event.version !== index + 1) {
      throw new ContractMappingError(
        `Stream ${event.streamId} must be read from version 1 without gaps; found version ${event.version} at position ${index + 1}`,
      );
    }
    if (!isPaymentEventType(event.type)) return;
    ({ state } = foldPaymentStream([event], { state, version: index }));
    published.push(...integrationEventsOf(event, state, options));
  });
  return published;
}

/**
 * The `eventId` of the `webhook.received` a state event publishes for the delivery it carries: a
 * ULID with the state event's time part (its first 10 characters) and a random part the `ulid`
 * package encodes from a SHA-256 of its id instead of a random source, so it sorts beside it, is
 * the same on every publication and meets no other event's id.
 */
export function linkedDeliveryEventId(stateEventId: string): string {
  const digest = createHash('sha256').update(`${stateEventId}#webhook.received`).digest();
  let next = 0;
  const random = ulid(0, () => digest[next++] / 256).slice(TIME_LEN);
  return `${stateEventId.slice(0, TIME_LEN).toUpperCase().padEnd(TIME_LEN, '0')}${random}`;
}

type KnownPayment = PaymentState & { currency: string };

function requirePayment(
  state: PaymentState,
  paymentId: string,
  event: StoredEventLike,
): KnownPayment {
  if (!state.exists || state.paymentId !== paymentId || state.currency === undefined) {
    throw new ContractMappingError(
      `The state handed in for ${event.streamId} v${event.version} is not that payment after the event`,
    );
  }
  return state as KnownPayment;
}

function refundAmount(payment: PaymentState, refundId: string, event: StoredEventLike): number {
  const refund = findRefund(payment, refundId);
  if (refund === undefined) {
    throw new ContractMappingError(
      `Refund ${refundId} is unknown to the state handed in for ${event.streamId} v${event.version}`,
    );
  }
  return refund.amount;
}

function lookUp<TKey extends string, TValue>(
  table: Record<TKey, TValue>,
  value: TKey | undefined,
  field: string,
  event: StoredEventLike,
): TValue {
  if (value === undefined || !Object.prototype.hasOwnProperty.call(table, value)) {
    throw new ContractMappingError(
      `${event.type} ${event.streamId} v${event.version}: ${field} ${String(value)} has no published name`,
    );
  }
  return table[value];
}

// A type from a newer release is skipped, as `evolvePayment` skips it; the `never` parameter
// still makes a missing `case` a compile error.
function notPublished(_event: never): undefined {
  return undefined;
}
