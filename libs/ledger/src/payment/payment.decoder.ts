/**
 * The typed read of a payment stream: every stored event is checked against its type's current
 * shape (the store's upcasters have run first) before `evolvePayment` sees it.
 */
import type { DomainEventMetadata, FoldedStream } from '../decider/decider';
import { foldStream } from '../decider/decider';
import {
  check,
  conforms,
  EventUndecodableError,
  type DataChecks,
  type RecordedEvent,
} from '../decider/event-decoding';
import { readStream, type ReadStreamOptions, type StreamReader } from '../decider/read-stream';
import type {
  BreakerState,
  ChargeResumption,
  ConclusionSource,
  GatewayAttemptOutcome,
  RequestMode,
  WebhookIntent,
} from './payment.commands';
import { paymentDecider } from './payment.decider';
import type {
  OutcomeSource,
  PaymentEvent,
  PaymentEventType,
  ReportedOutcome,
  WebhookEffect,
  WebhookLink,
} from './payment.events';
import type { PaymentFailureCategory } from './payment.failure-category';
import type { PaymentState, PaymentStatus } from './payment.state';

const { number, objectOf, oneOf, optional, string } = check;

type DataOf<T extends PaymentEventType> = Extract<PaymentEvent, { type: T }>['data'];

const conclusionSource = oneOf<ConclusionSource>({ gateway_response: true, reconcile: true });
const outcomeSource = oneOf<OutcomeSource>({
  gateway_response: true,
  reconcile: true,
  webhook: true,
});
const requestMode = optional(oneOf<RequestMode>({ async: true }));
const chargeResumption = oneOf<ChargeResumption>({ request_retry: true, reconcile: true });
const paymentStatus = oneOf<PaymentStatus>({
  requested: true,
  processing: true,
  succeeded: true,
  failed: true,
  outcome_unknown: true,
  partially_refunded: true,
  refunded: true,
});

const metadataChecks: DataChecks<DomainEventMetadata> = {
  tenantId: string,
  correlationId: optional(string),
  causationId: optional(string),
  actor: optional(string),
};

const webhookIntent = oneOf<WebhookIntent>({
  payment_succeeded: true,
  payment_failed: true,
  refund_succeeded: true,
  refund_failed: true,
  unknown: true,
});

const webhookLinkChecks: DataChecks<WebhookLink> = {
  deliveryEventId: string,
  deliveryStreamId: string,
  provider: string,
  deliveryId: string,
  providerEventType: string,
  intent: webhookIntent,
  receivedAt: string,
};

/** A state event's `webhook`: the delivery it links. */
const webhookLink = optional(
  objectOf<WebhookLink>(
    'a webhook link (deliveryEventId, deliveryStreamId, ...)',
    webhookLinkChecks,
  ),
);

// Every member of every payment event, as its type declares it (`DataChecks` makes it so).
const dataChecks: { readonly [T in PaymentEventType]: DataChecks<DataOf<T>> } = {
  PaymentRequested: {
    at: string,
    paymentId: string,
    amount: number,
    currency: string,
    customerId: optional(string),
    orderId: optional(string),
    description: optional(string),
    requestedAt: string,
    mode: requestMode,
  },
  GatewayCallAttempted: {
    at: string,
    operation: oneOf<'charge' | 'refund'>({ charge: true, refund: true }),
    refundId: optional(string),
    attempt: number,
    idempotencyKey: string,
    method: string,
    path: string,
    startedAt: string,
    durationMs: number,
    outcome: oneOf<GatewayAttemptOutcome>({
      succeeded: true,
      http_error: true,
      timeout: true,
      network_error: true,
      circuit_open: true,
      bulkhead_rejected: true,
    }),
    httpStatus: optional(number),
    gatewayRequestId: optional(string),
    gatewayTransactionId: optional(string),
    nextDelayMs: optional(number),
    breakerState: oneOf<BreakerState>({
      closed: true,
      open: true,
      half_open: true,
      isolated: true,
    }),
  },
  ChargeResumed: { at: string, by: chargeResumption },
  PaymentSucceeded: {
    at: string,
    amount: number,
    gatewayTransactionId: optional(string),
    source: outcomeSource,
    webhook: webhookLink,
  },
  PaymentFailed: {
    at: string,
    reason: string,
    declineCode: optional(string),
    category: oneOf<PaymentFailureCategory>({
      declined: true,
      invalid_request: true,
      gateway_unavailable: true,
    }),
    source: outcomeSource,
    webhook: webhookLink,
  },
  PaymentOutcomeUnknown: { at: string, reason: string, source: conclusionSource },
  WebhookLinked: {
    at: string,
    ...webhookLinkChecks,
    effect: oneOf<WebhookEffect>({
      applied: true,
      no_change: true,
      unhandled: true,
      conflict: true,
    }),
  },
  PaymentOutcomeContradicted: {
    at: string,
    reported: oneOf<ReportedOutcome>({
      payment_succeeded: true,
      payment_failed: true,
      refund_succeeded: true,
      refund_failed: true,
    }),
    recordedStatus: paymentStatus,
    conflict: string,
    source: outcomeSource,
    deliveryEventId: optional(string),
    gatewayTransactionId: optional(string),
    refundId: optional(string),
    amount: optional(number),
    currency: optional(string),
    webhook: webhookLink,
  },
  RefundRequested: {
    at: string,
    refundId: string,
    amount: number,
    reason: optional(string),
    requestedAt: string,
    mode: requestMode,
  },
  RefundResumed: { at: string, refundId: string, by: chargeResumption },
  RefundSucceeded: {
    at: string,
    refundId: string,
    amount: number,
    gatewayRefundId: optional(string),
    source: outcomeSource,
    webhook: webhookLink,
  },
  RefundFailed: {
    at: string,
    refundId: string,
    reason: string,
    source: outcomeSource,
    webhook: webhookLink,
  },
  RefundOutcomeUnknown: { at: string, refundId: string, reason: string, source: conclusionSource },
};

/**
 * A stored event of a payment stream as the typed `PaymentEvent` it must be, or
 * `EventUndecodableError` naming what is wrong. `undefined` for a type that is not a payment
 * event (one a newer release writes): readers skip it, as `evolvePayment` does.
 */
export function decodePaymentEvent(recorded: RecordedEvent): PaymentEvent | undefined {
  switch (recorded.type) {
    case 'PaymentRequested':
      return decoded('PaymentRequested', recorded);
    case 'GatewayCallAttempted':
      return decoded('GatewayCallAttempted', recorded);
    case 'ChargeResumed':
      return decoded('ChargeResumed', recorded);
    case 'PaymentSucceeded':
      return decoded('PaymentSucceeded', recorded);
    case 'PaymentFailed':
      return decoded('PaymentFailed', recorded);
    case 'PaymentOutcomeUnknown':
      return decoded('PaymentOutcomeUnknown', recorded);
    case 'WebhookLinked':
      return decoded('WebhookLinked', recorded);
    case 'PaymentOutcomeContradicted':
      return decoded('PaymentOutcomeContradicted', recorded);
    case 'RefundRequested':
      return decoded('RefundRequested', recorded);
    case 'RefundResumed':
      return decoded('RefundResumed', recorded);
    case 'RefundSucceeded':
      return decoded('RefundSucceeded', recorded);
    case 'RefundFailed':
      return decoded('RefundFailed', recorded);
    case 'RefundOutcomeUnknown':
      return decoded('RefundOutcomeUnknown', recorded);
    default:
      return undefined;
  }
}

// Typed as the union member it builds: `{ type: T, data: DataOf<T> }` is `EventOfType<T>`.
function decoded<T extends PaymentEventType>(
  type: T,
  recorded: RecordedEvent,
): { type: T; data: DataOf<T>; metadata: DomainEventMetadata; schemaVersion?: number } {
  const { data, metadata } = recorded;
  const problems: string[] = [];
  const dataConforms = conforms<DataOf<T>>(dataChecks[type], data, 'data', problems);
  const metadataConforms = conforms(metadataChecks, metadata, 'metadata', problems);
  if (!dataConforms || !metadataConforms) throw new EventUndecodableError(recorded, problems);
  return { type, data, metadata, schemaVersion: recorded.schemaVersion };
}

/** The payment's state after `recorded` (stored events, in order), each one decoded. */
export function foldPaymentStream(
  recorded: Iterable<RecordedEvent>,
  start?: { state: PaymentState; version: number },
): FoldedStream<PaymentEvent, PaymentState> {
  return foldStream(paymentDecider, decodePaymentEvent, recorded, start);
}

/** Reads a payment stream from version 1 (up to `toVersion` when given) and folds it, decoded. */
export function readPaymentStream(
  reader: StreamReader,
  streamId: string,
  options?: ReadStreamOptions,
): Promise<FoldedStream<PaymentEvent, PaymentState>> {
  return readStream(reader, paymentDecider, decodePaymentEvent, streamId, options);
}
