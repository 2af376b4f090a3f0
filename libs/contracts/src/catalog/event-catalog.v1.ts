import {
  DEFAULT_SOURCE,
  type DetailType,
  type IntegrationEventDataV1,
  type IntegrationEventOf,
  SCHEMA_VERSION_V1,
} from '../events/integration-events.v1';

/** What the docs say about a detail-type beyond its schema: when it is sent, from what. */
export type CatalogEntry<T extends DetailType> = {
  /** When the ledger sends it. */
  sentWhen: string;
  /** The internal ledger event it is published from (for maintainers, not a contract). */
  publishedFrom: string;
  /** Where else it is published from, when not only from `publishedFrom` (for maintainers). */
  alsoFrom?: string;
  /** A realistic event, type-checked here and validated against the schema by a unit test. */
  example: IntegrationEventOf<T>;
};

const TENANT = 'acme';
const PAYMENT = 'pay_7Hq2';

// One payment's story, so the examples read as a sequence (streamVersion grows along it).
function example<T extends DetailType>(
  detailType: T,
  streamVersion: number,
  occurredAt: string,
  data: IntegrationEventDataV1[T],
): IntegrationEventOf<T> {
  return {
    source: DEFAULT_SOURCE,
    detailType,
    detail: {
      eventId: `01JQ8Z3V5K2M7N4P6R9S${String(streamVersion).padStart(6, '0')}`,
      occurredAt,
      tenantId: TENANT,
      paymentId: PAYMENT,
      streamVersion,
      schemaVersion: SCHEMA_VERSION_V1,
      replay: false,
      data,
    },
  };
}

/** The catalog of v1 detail-types, in documentation order. */
export const EVENT_CATALOG_V1: { readonly [T in DetailType]: CatalogEntry<T> } = {
  'payment.requested': {
    sentWhen: 'Once per payment, when `POST /payments` is accepted, before the gateway is called.',
    publishedFrom: 'PaymentRequested',
    example: example('payment.requested', 1, '2025-03-01T12:00:00.000Z', {
      amount: 5000,
      currency: 'EUR',
      customerId: 'cus_42',
      orderId: 'ord_1001',
      requestedAt: '2025-03-01T12:00:00.000Z',
    }),
  },
  'payment.succeeded': {
    sentWhen:
      "At most once per payment: the first definitive success, from the gateway's answer, a reconciliation or a webhook.",
    publishedFrom: 'PaymentSucceeded',
    example: example('payment.succeeded', 3, '2025-03-01T12:00:00.420Z', {
      amount: 5000,
      currency: 'EUR',
      capturedAmount: 5000,
      gatewayTransactionId: 'txn_9f3a',
      source: 'gateway_response',
    }),
  },
  'payment.failed': {
    sentWhen:
      'At most once per payment, instead of `payment.succeeded`: the first definitive failure.',
    publishedFrom: 'PaymentFailed',
    example: example('payment.failed', 3, '2025-03-01T12:00:00.380Z', {
      amount: 5000,
      currency: 'EUR',
      reason: 'insufficient_funds',
      declineCode: 'insufficient_funds',
      source: 'gateway_response',
    }),
  },
  'payment.outcome_unknown': {
    sentWhen:
      'When the last attempt ended without a definitive answer; may be followed by `payment.succeeded` or `payment.failed`.',
    publishedFrom: 'PaymentOutcomeUnknown',
    example: example('payment.outcome_unknown', 5, '2025-03-01T12:00:31.050Z', {
      amount: 5000,
      currency: 'EUR',
      reason: 'no_definitive_answer',
      source: 'gateway_response',
    }),
  },
  'payment.outcome_contradicted': {
    sentWhen:
      "Each time the gateway reports an outcome the recorded one contradicts: a webhook or a reconciliation says a failed payment succeeded, a failure arrives for a succeeded payment, a refund succeeded that the payment cannot hold. The payment's status does not change.",
    publishedFrom: 'PaymentOutcomeContradicted',
    example: example('payment.outcome_contradicted', 4, '2025-03-01T12:00:02.150Z', {
      amount: 5000,
      currency: 'EUR',
      reported: 'payment_succeeded',
      recordedStatus: 'failed',
      conflict: 'payment_failed_at_ledger',
      source: 'webhook',
      gatewayTransactionId: 'txn_9f3a',
      reportedAmount: 5000,
      reportedCurrency: 'EUR',
    }),
  },
  'refund.requested': {
    sentWhen: 'When `POST /payments/{id}/refunds` is accepted, before the gateway is called.',
    publishedFrom: 'RefundRequested',
    example: example('refund.requested', 4, '2025-03-02T09:15:00.000Z', {
      refundId: 'ref_1',
      amount: 1500,
      currency: 'EUR',
      reason: 'requested_by_customer',
      requestedAt: '2025-03-02T09:15:00.000Z',
    }),
  },
  'refund.succeeded': {
    sentWhen:
      'At most once per refund: the first definitive success, also for a refund only a webhook reported.',
    publishedFrom: 'RefundSucceeded',
    example: example('refund.succeeded', 6, '2025-03-02T09:15:00.610Z', {
      refundId: 'ref_1',
      amount: 1500,
      currency: 'EUR',
      gatewayRefundId: 're_5c1d',
      source: 'gateway_response',
      capturedAmount: 5000,
      refundedAmount: 1500,
      paymentStatus: 'partially_refunded',
    }),
  },
  'refund.failed': {
    sentWhen:
      'At most once per refund, instead of `refund.succeeded`: the first definitive failure.',
    publishedFrom: 'RefundFailed',
    example: example('refund.failed', 6, '2025-03-02T09:15:00.590Z', {
      refundId: 'ref_1',
      amount: 1500,
      currency: 'EUR',
      reason: 'refund_failed',
      source: 'gateway_response',
    }),
  },
  'refund.outcome_unknown': {
    sentWhen:
      'When the last refund attempt ended without a definitive answer; may be followed by `refund.succeeded` or `refund.failed`.',
    publishedFrom: 'RefundOutcomeUnknown',
    example: example('refund.outcome_unknown', 8, '2025-03-02T09:15:31.200Z', {
      refundId: 'ref_1',
      amount: 1500,
      currency: 'EUR',
      reason: 'no_definitive_answer',
      source: 'gateway_response',
    }),
  },
  'webhook.received': {
    sentWhen:
      "Once per distinct delivery linked to a payment, whatever its effect, before the state event it caused; a provider's retry is not sent again.",
    publishedFrom: 'WebhookLinked',
    alsoFrom:
      'the `webhook` link of the state event a delivery caused (`PaymentSucceeded`, `PaymentFailed`, `RefundSucceeded`, `RefundFailed`, `PaymentOutcomeContradicted`), sent just before that event, with its `streamVersion`',
    example: example('webhook.received', 4, '2025-03-01T12:00:02.130Z', {
      provider: 'sandbox',
      providerEventType: 'charge.succeeded',
      deliveryId: 'evt_3Kx8',
      effect: 'no_change',
      receivedAt: '2025-03-01T12:00:02.004Z',
    }),
  },
  'gateway.call_attempted': {
    sentWhen:
      'After every outbound call attempt (charge or refund), before the next one starts: one event per try.',
    publishedFrom: 'GatewayCallAttempted',
    example: example('gateway.call_attempted', 2, '2025-03-01T12:00:00.410Z', {
      operation: 'charge',
      attempt: 1,
      outcome: 'succeeded',
      httpStatus: 200,
      durationMs: 212,
      startedAt: '2025-03-01T12:00:00.195Z',
      breakerState: 'closed',
    }),
  },
};
