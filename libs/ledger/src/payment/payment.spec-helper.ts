/**
 * Builders for payment unit specs: one command or event per function, with defaults that
 * describe a single EUR 50.00 payment, so a test spells out only what it is about.
 */
import {
  type CommandMetadata,
  type DomainEventMetadata,
  withoutUndefined,
} from '../decider/decider';
import { deciderSpec } from '../decider/decider.spec-helper';
import type {
  ApplyWebhook,
  ConcludeCharge,
  ConcludeRefund,
  RecordGatewayAttempt,
  RequestPayment,
  RequestRefund,
  ResumeCharge,
  ResumeRefund,
} from './payment.commands';
import { paymentDecider } from './payment.decider';
import { PAYMENT_EVENT_VERSIONS } from './payment.upcasters';
import type {
  ChargeResumed,
  GatewayCallAttempted,
  PaymentOutcomeContradicted,
  PaymentEvent,
  PaymentFailed,
  PaymentOutcomeUnknown,
  PaymentRequested,
  PaymentSucceeded,
  RefundFailed,
  RefundOutcomeUnknown,
  RefundRequested,
  RefundResumed,
  RefundSucceeded,
  WebhookLink,
  WebhookLinked,
} from './payment.events';

export const spec = deciderSpec(paymentDecider);

export const NOW = '2025-03-01T12:00:00.000Z';
export const EARLIER = '2025-03-01T11:59:00.000Z';
export const PAYMENT_ID = 'pay_1';
export const AMOUNT = 5000;

export const commandMetadata: CommandMetadata = {
  now: NOW,
  tenantId: 'acme',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: 'api-key:acme',
};

/** What every event decided from `commandMetadata` carries. */
export const eventMetadata: DomainEventMetadata = {
  tenantId: 'acme',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: 'api-key:acme',
};

type Data<T extends { data: unknown }> = Partial<T['data']>;

// --- commands ---------------------------------------------------------------------------------

export function requestPayment(data: Data<RequestPayment> = {}, now = NOW): RequestPayment {
  return {
    type: 'RequestPayment',
    data: { paymentId: PAYMENT_ID, amount: AMOUNT, currency: 'EUR', customerId: 'cus_1', ...data },
    metadata: { ...commandMetadata, now },
  };
}

export function recordGatewayAttempt(
  data: Data<RecordGatewayAttempt> = {},
  now = NOW,
): RecordGatewayAttempt {
  return {
    type: 'RecordGatewayAttempt',
    data: { ...chargeAttempt, ...data },
    metadata: { ...commandMetadata, now },
  };
}

export function resumeCharge(data: Data<ResumeCharge> = {}, now = NOW): ResumeCharge {
  return {
    type: 'ResumeCharge',
    data: { by: 'request_retry', ...data },
    metadata: { ...commandMetadata, now },
  };
}

export function concludeCharge(data: Data<ConcludeCharge> = {}, now = NOW): ConcludeCharge {
  return {
    type: 'ConcludeCharge',
    data: { outcome: 'succeeded', source: 'gateway_response', ...data },
    metadata: { ...commandMetadata, now },
  };
}

export function applyWebhook(data: Data<ApplyWebhook> = {}, now = NOW): ApplyWebhook {
  return {
    type: 'ApplyWebhook',
    data: { ...delivery, intent: 'payment_succeeded', ...data },
    metadata: { ...commandMetadata, now },
  };
}

export function requestRefund(data: Data<RequestRefund> = {}, now = NOW): RequestRefund {
  return {
    type: 'RequestRefund',
    data: { refundId: 'ref_1', amount: 1000, ...data },
    metadata: { ...commandMetadata, now },
  };
}

export function resumeRefund(data: Data<ResumeRefund> = {}, now = NOW): ResumeRefund {
  return {
    type: 'ResumeRefund',
    data: { refundId: 'ref_1', by: 'request_retry', ...data },
    metadata: { ...commandMetadata, now },
  };
}

export function concludeRefund(data: Data<ConcludeRefund> = {}, now = NOW): ConcludeRefund {
  return {
    type: 'ConcludeRefund',
    data: { refundId: 'ref_1', outcome: 'succeeded', source: 'gateway_response', ...data },
    metadata: { ...commandMetadata, now },
  };
}

// --- events -----------------------------------------------------------------------------------

const chargeAttempt: RecordGatewayAttempt['data'] = {
  operation: 'charge',
  attempt: 1,
  idempotencyKey: 'idem-1',
  method: 'POST',
  path: '/v1/charges',
  startedAt: '2025-03-01T11:59:59.000Z',
  durationMs: 120,
  outcome: 'succeeded',
  httpStatus: 200,
  gatewayRequestId: 'req_1',
  gatewayTransactionId: 'txn_1',
  breakerState: 'closed',
};

const delivery = {
  deliveryEventId: 'evt_delivery_1',
  deliveryStreamId: 'acme#delivery#sandbox#dlv_1',
  provider: 'sandbox',
  deliveryId: 'dlv_1',
  providerEventType: 'charge.succeeded',
  receivedAt: '2025-03-01T11:59:30.000Z',
};

export function paymentRequested(data: Data<PaymentRequested> = {}): PaymentRequested {
  const at = data.at ?? NOW;
  return {
    type: 'PaymentRequested',
    data: {
      paymentId: PAYMENT_ID,
      amount: AMOUNT,
      currency: 'EUR',
      customerId: 'cus_1',
      requestedAt: at,
      at,
      ...data,
    },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.PaymentRequested,
  };
}

export function gatewayCallAttempted(data: Data<GatewayCallAttempted> = {}): GatewayCallAttempted {
  return {
    type: 'GatewayCallAttempted',
    data: { ...chargeAttempt, at: NOW, ...data },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.GatewayCallAttempted,
  };
}

export function paymentSucceeded(data: Data<PaymentSucceeded> = {}): PaymentSucceeded {
  return {
    type: 'PaymentSucceeded',
    data: {
      amount: AMOUNT,
      gatewayTransactionId: 'txn_1',
      source: 'gateway_response',
      at: NOW,
      ...data,
    },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.PaymentSucceeded,
  };
}

export function paymentFailed(data: Data<PaymentFailed> = {}): PaymentFailed {
  return {
    type: 'PaymentFailed',
    data: {
      reason: 'declined',
      category: 'declined',
      source: 'gateway_response',
      at: NOW,
      ...data,
    },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.PaymentFailed,
  };
}

export function paymentOutcomeUnknown(
  data: Data<PaymentOutcomeUnknown> = {},
): PaymentOutcomeUnknown {
  return {
    type: 'PaymentOutcomeUnknown',
    data: { reason: 'timeout', source: 'gateway_response', at: NOW, ...data },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.PaymentOutcomeUnknown,
  };
}

export function webhookLinked(data: Data<WebhookLinked> = {}): WebhookLinked {
  return {
    type: 'WebhookLinked',
    data: { ...delivery, intent: 'payment_succeeded', effect: 'applied', at: NOW, ...data },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.WebhookLinked,
  };
}

/** The default delivery's link, as a state event it caused carries it (`webhook`). */
export const webhookLink: WebhookLink = { ...delivery, intent: 'payment_succeeded' };

/**
 * `event` as the correlator writes it for a delivery that changes the payment: carrying the
 * default delivery's link (`webhook`), with `link`'s members changed.
 */
export function linkedBy<E extends PaymentEvent>(event: E, link: Partial<WebhookLink> = {}): E {
  return { ...event, data: { ...event.data, webhook: { ...webhookLink, ...link } } };
}

export function chargeResumed(data: Data<ChargeResumed> = {}): ChargeResumed {
  return {
    type: 'ChargeResumed',
    data: { by: 'request_retry', at: NOW, ...data },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.ChargeResumed,
  };
}

/** A webhook's contradiction (the default delivery, reporting a success the ledger failed). */
export function outcomeContradicted(
  data: Data<PaymentOutcomeContradicted> = {},
): PaymentOutcomeContradicted {
  return {
    type: 'PaymentOutcomeContradicted',
    // A member given as undefined is left out, as `decide` leaves it out.
    data: withoutUndefined({
      reported: 'payment_succeeded',
      recordedStatus: 'failed',
      conflict: 'payment_failed_at_ledger',
      source: 'webhook',
      deliveryEventId: delivery.deliveryEventId,
      at: NOW,
      ...data,
    }),
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.PaymentOutcomeContradicted,
  };
}

export function refundRequested(data: Data<RefundRequested> = {}): RefundRequested {
  const at = data.at ?? NOW;
  return {
    type: 'RefundRequested',
    data: { refundId: 'ref_1', amount: 1000, requestedAt: at, at, ...data },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.RefundRequested,
  };
}

export function refundResumed(data: Data<RefundResumed> = {}): RefundResumed {
  return {
    type: 'RefundResumed',
    data: { refundId: 'ref_1', by: 'request_retry', at: NOW, ...data },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.RefundResumed,
  };
}

export function refundSucceeded(data: Data<RefundSucceeded> = {}): RefundSucceeded {
  return {
    type: 'RefundSucceeded',
    data: { refundId: 'ref_1', amount: 1000, source: 'gateway_response', at: NOW, ...data },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.RefundSucceeded,
  };
}

export function refundFailed(data: Data<RefundFailed> = {}): RefundFailed {
  return {
    type: 'RefundFailed',
    data: {
      refundId: 'ref_1',
      reason: 'refund_failed',
      source: 'gateway_response',
      at: NOW,
      ...data,
    },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.RefundFailed,
  };
}

export function refundOutcomeUnknown(data: Data<RefundOutcomeUnknown> = {}): RefundOutcomeUnknown {
  return {
    type: 'RefundOutcomeUnknown',
    data: { refundId: 'ref_1', reason: 'timeout', source: 'gateway_response', at: NOW, ...data },
    metadata: eventMetadata,
    schemaVersion: PAYMENT_EVENT_VERSIONS.RefundOutcomeUnknown,
  };
}

// --- histories --------------------------------------------------------------------------------

export const requested = (): PaymentEvent[] => [paymentRequested()];
export const processing = (): PaymentEvent[] => [...requested(), gatewayCallAttempted()];
export const succeeded = (): PaymentEvent[] => [...processing(), paymentSucceeded()];
export const failed = (): PaymentEvent[] => [...processing(), paymentFailed()];
export const outcomeUnknown = (): PaymentEvent[] => [
  ...requested(),
  gatewayCallAttempted({
    outcome: 'timeout',
    httpStatus: undefined,
    gatewayRequestId: undefined,
    gatewayTransactionId: undefined,
  }),
  paymentOutcomeUnknown(),
];
/** 1,000 of 5,000 refunded. */
export const partiallyRefunded = (): PaymentEvent[] => [
  ...succeeded(),
  refundRequested(),
  refundSucceeded(),
];
/** All 5,000 refunded. */
export const refunded = (): PaymentEvent[] => [
  ...succeeded(),
  refundRequested({ amount: AMOUNT }),
  refundSucceeded({ amount: AMOUNT }),
];
