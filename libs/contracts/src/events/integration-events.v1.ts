/**
 * The published integration events, version 1: what subscribers on EventBridge receive.
 *
 * These types are the public contract and deliberately not the ledger's internal events
 * (`@ledger/ledger`): internal events may change shape with every release, these only grow by
 * optional fields. Every union below is spelled out here rather than imported, so that a new
 * internal value cannot reach consumers without a deliberate contract change (the mapper's
 * lookup tables stop compiling instead).
 */

/** The EventBridge `Source` of every integration event, unless the publisher configures another. */
export const DEFAULT_SOURCE = 'integration-ledger';

/** The contract version every v1 detail carries as `schemaVersion`. */
export const SCHEMA_VERSION_V1 = 1;

/** A payment's status as consumers see it (the same names as the HTTP API). */
export type PaymentStatusV1 =
  | 'requested'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'outcome_unknown'
  | 'partially_refunded'
  | 'refunded';

/** Where a definitive outcome was learnt from. */
export type OutcomeSourceV1 = 'gateway_response' | 'reconcile' | 'webhook';

/** Where an unknown outcome was concluded; a webhook always says what happened, so never it. */
export type UnknownOutcomeSourceV1 = 'gateway_response' | 'reconcile';

/** What a webhook delivery did to the payment it was linked to. */
export type WebhookEffectV1 = 'applied' | 'no_change' | 'unhandled' | 'conflict';

/** How one outbound gateway call attempt ended. */
export type GatewayCallOutcomeV1 =
  'succeeded' | 'http_error' | 'timeout' | 'network_error' | 'circuit_open' | 'bulkhead_rejected';

/** The circuit breaker's state when an attempt was made. */
export type BreakerStateV1 = 'closed' | 'open' | 'half_open' | 'isolated';

/** Which gateway operation an attempt was for. */
export type GatewayOperationV1 = 'charge' | 'refund';

/** `payment.requested`: a payment was opened, before any gateway call. */
export type PaymentRequestedDataV1 = {
  amount: number;
  currency: string;
  customerId?: string;
  orderId?: string;
  requestedAt: string;
  /** `async`: accepted only; the charger calls the gateway later. */
  mode?: 'async';
};

/** `payment.succeeded`: the gateway captured the payment. */
export type PaymentSucceededDataV1 = {
  amount: number;
  currency: string;
  capturedAmount: number;
  gatewayTransactionId?: string;
  source: OutcomeSourceV1;
};

/** `payment.failed`: the gateway definitively declined, or the call was refused before sending. */
export type PaymentFailedDataV1 = {
  amount: number;
  currency: string;
  reason: string;
  declineCode?: string;
  source: OutcomeSourceV1;
};

/** `payment.outcome_unknown`: the gateway may have charged but never said so. */
export type PaymentOutcomeUnknownDataV1 = {
  amount: number;
  currency: string;
  reason: string;
  source: UnknownOutcomeSourceV1;
};

/** What the gateway reported when it contradicted the ledger. */
export type ReportedOutcomeV1 =
  'payment_succeeded' | 'payment_failed' | 'refund_succeeded' | 'refund_failed';

/**
 * `payment.outcome_contradicted`: the gateway reported an outcome the ledger's recorded outcome
 * contradicts (a webhook or a reconcile says succeeded while the payment is failed, a refund
 * succeeded that the payment cannot hold...). The payment's status stands; someone must look.
 */
export type PaymentOutcomeContradictedDataV1 = {
  amount: number;
  currency: string;
  reported: ReportedOutcomeV1;
  recordedStatus: PaymentStatusV1;
  conflict: string;
  source: OutcomeSourceV1;
  gatewayTransactionId?: string;
  refundId?: string;
  reportedAmount?: number;
  reportedCurrency?: string;
};

/** `refund.requested`: a refund of (part of) the captured amount was accepted. */
export type RefundRequestedDataV1 = {
  refundId: string;
  amount: number;
  currency: string;
  reason?: string;
  requestedAt: string;
  /** `async`: accepted only; the charger sends it later. */
  mode?: 'async';
};

/** `refund.succeeded`: the gateway refunded; the payment's balances after it. */
export type RefundSucceededDataV1 = {
  refundId: string;
  amount: number;
  currency: string;
  gatewayRefundId?: string;
  source: OutcomeSourceV1;
  capturedAmount: number;
  refundedAmount: number;
  paymentStatus: PaymentStatusV1;
};

/** `refund.failed`: the gateway definitively refused the refund; no money moved. */
export type RefundFailedDataV1 = {
  refundId: string;
  amount: number;
  currency: string;
  reason: string;
  source: OutcomeSourceV1;
};

/** `refund.outcome_unknown`: the gateway may have refunded but never said so. */
export type RefundOutcomeUnknownDataV1 = {
  refundId: string;
  amount: number;
  currency: string;
  reason: string;
  source: UnknownOutcomeSourceV1;
};

/** `webhook.received`: a provider's delivery was linked to the payment (no body, no headers). */
export type WebhookReceivedDataV1 = {
  provider: string;
  providerEventType: string;
  deliveryId: string;
  effect: WebhookEffectV1;
  receivedAt: string;
};

/** `gateway.call_attempted`: one outbound call attempt, whatever its outcome. */
export type GatewayCallAttemptedDataV1 = {
  operation: GatewayOperationV1;
  refundId?: string;
  attempt: number;
  outcome: GatewayCallOutcomeV1;
  httpStatus?: number;
  durationMs: number;
  startedAt: string;
  nextDelayMs?: number;
  breakerState: BreakerStateV1;
};

/** The `data` of each detail-type, version 1. */
export type IntegrationEventDataV1 = {
  'payment.requested': PaymentRequestedDataV1;
  'payment.succeeded': PaymentSucceededDataV1;
  'payment.failed': PaymentFailedDataV1;
  'payment.outcome_unknown': PaymentOutcomeUnknownDataV1;
  'payment.outcome_contradicted': PaymentOutcomeContradictedDataV1;
  'refund.requested': RefundRequestedDataV1;
  'refund.succeeded': RefundSucceededDataV1;
  'refund.failed': RefundFailedDataV1;
  'refund.outcome_unknown': RefundOutcomeUnknownDataV1;
  'webhook.received': WebhookReceivedDataV1;
  'gateway.call_attempted': GatewayCallAttemptedDataV1;
};

/** An EventBridge `DetailType` the ledger publishes. */
export type DetailType = keyof IntegrationEventDataV1;

// A record, not an array, so a detail-type added to the data map but not listed here fails to compile.
const detailTypes: Record<DetailType, true> = {
  'payment.requested': true,
  'payment.succeeded': true,
  'payment.failed': true,
  'payment.outcome_unknown': true,
  'payment.outcome_contradicted': true,
  'refund.requested': true,
  'refund.succeeded': true,
  'refund.failed': true,
  'refund.outcome_unknown': true,
  'webhook.received': true,
  'gateway.call_attempted': true,
};

/** Every published detail-type, in documentation order. */
export const DETAIL_TYPES: readonly DetailType[] = Object.freeze(
  Object.keys(detailTypes) as DetailType[],
);

/** True when `value` is a detail-type the ledger publishes. */
export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(detailTypes, value);
}

/** The EventBridge `Detail`: one envelope for every detail-type, its own `data` inside. */
export type IntegrationEventDetail<TData> = {
  /** The ledger event's id (a ULID): the same on redelivery and replay, so consumers dedupe on it. */
  eventId: string;
  /** When the ledger decided what happened (ISO-8601, UTC). */
  occurredAt: string;
  tenantId: string;
  paymentId: string;
  /** The event's position in its payment's stream: 1, 2, ... Order one payment's events by it. */
  streamVersion: number;
  /** The contract version of `data` (and of this envelope). */
  schemaVersion: typeof SCHEMA_VERSION_V1;
  /** True when re-delivered by a replay rather than published as it happened. */
  replay: boolean;
  data: TData;
};

/** One integration event of a given detail-type, as the publisher hands it to the bus. */
export type IntegrationEventOf<T extends DetailType> = {
  source: string;
  detailType: T;
  detail: IntegrationEventDetail<IntegrationEventDataV1[T]>;
};

/** Any integration event; `detailType` tells which `data` it carries. */
export type IntegrationEvent = { [T in DetailType]: IntegrationEventOf<T> }[DetailType];
