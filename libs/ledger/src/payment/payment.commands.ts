import type { Command } from '../decider/decider';
import type { PaymentFailureCategory } from './payment.failure-category';

/** Where a gateway outcome was learnt from, when it was not a webhook. */
export type ConclusionSource = 'gateway_response' | 'reconcile';

/**
 * How a payment or refund request is charged: `async` when the request was only accepted
 * (`Prefer: respond-async`) and the charger, a stream consumer, makes the gateway call. Absent:
 * the requesting run charges it (the synchronous path, and every event written before).
 */
export type RequestMode = 'async';

/** Opens a payment stream: the intent to charge, before any gateway call. */
export type RequestPayment = Command<
  'RequestPayment',
  {
    paymentId: string;
    /** Integer minor units (cents), positive. */
    amount: number;
    /** ISO 4217 code, upper case. */
    currency: string;
    customerId?: string;
    orderId?: string;
    description?: string;
    mode?: RequestMode;
  }
>;

/** How one outbound call attempt ended, as the resilience policy saw it. */
export type GatewayAttemptOutcome =
  'succeeded' | 'http_error' | 'timeout' | 'network_error' | 'circuit_open' | 'bulkhead_rejected';

/** The circuit breaker's state when the attempt was made. */
export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

/** What a gateway call attempt records; the data of both the command and its event. */
export type GatewayAttemptData = {
  operation: 'charge' | 'refund';
  /** Required when `operation` is `refund`. */
  refundId?: string;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
  idempotencyKey: string;
  method: string;
  path: string;
  startedAt: string;
  durationMs: number;
  outcome: GatewayAttemptOutcome;
  httpStatus?: number;
  gatewayRequestId?: string;
  gatewayTransactionId?: string;
  /** The delay before the next retry, when the policy will retry. */
  nextDelayMs?: number;
  breakerState: BreakerState;
};

/** Records one outbound call attempt, whatever its outcome (timeouts and refusals included). */
export type RecordGatewayAttempt = Command<'RecordGatewayAttempt', GatewayAttemptData>;

/** Why a run other than the one that requested the payment is about to charge it. */
export type ChargeResumption = 'request_retry' | 'reconcile';

/**
 * Recorded by every run other than the requesting one BEFORE it may send the charge: the stream
 * then proves which runs may have sent a request, so a refusal seen by one run (breaker open,
 * bulkhead full) is never taken for proof that no run sent anything.
 */
export type ResumeCharge = Command<'ResumeCharge', { by: ChargeResumption }>;

/**
 * Concludes the charge from the gateway's answer or a reconciliation. `unknown` means the gateway
 * may have acted but never answered: it is never turned into a failure. `not_attempted` means
 * this run sent nothing (breaker open, bulkhead full): a failure only when no other run may have
 * sent the charge (no `ChargeResumed` on the stream), otherwise `outcome_unknown`.
 */
export type ConcludeCharge = Command<
  'ConcludeCharge',
  {
    outcome: 'succeeded' | 'declined' | 'unknown' | 'not_attempted';
    gatewayTransactionId?: string;
    reason?: string;
    declineCode?: string;
    /** For a decline: what kind of failure; derived from `reason` and `declineCode` when absent. */
    category?: PaymentFailureCategory;
    source: ConclusionSource;
  }
>;

/** What a provider's webhook says happened, after the provider adapter has mapped it. */
export type WebhookIntent =
  'payment_succeeded' | 'payment_failed' | 'refund_succeeded' | 'refund_failed' | 'unknown';

/** Links a received webhook delivery to this payment and applies what it says, if it can. */
export type ApplyWebhook = Command<
  'ApplyWebhook',
  {
    /** The `WebhookReceived` event's id on the delivery stream: the idempotency key. */
    deliveryEventId: string;
    deliveryStreamId: string;
    provider: string;
    deliveryId: string;
    providerEventType: string;
    intent: WebhookIntent;
    receivedAt: string;
    gatewayTransactionId?: string;
    amount?: number;
    currency?: string;
    refundId?: string;
    gatewayRefundId?: string;
    reason?: string;
    /** The gateway's code for a declined charge (`card_declined`, `insufficient_funds`...). */
    declineCode?: string;
  }
>;

/** Asks for (part of) a captured amount back. */
export type RequestRefund = Command<
  'RequestRefund',
  {
    refundId: string;
    /** Integer minor units, positive, in the payment's currency. */
    amount: number;
    reason?: string;
    mode?: RequestMode;
  }
>;

/** As `ResumeCharge`, for a refund: recorded by a retried request before it may send. */
export type ResumeRefund = Command<'ResumeRefund', { refundId: string; by: ChargeResumption }>;

/**
 * Concludes a refund from the gateway's answer or a reconciliation. `not_attempted` (this run
 * sent nothing) is a failure only when no other run may have sent the refund.
 */
export type ConcludeRefund = Command<
  'ConcludeRefund',
  {
    refundId: string;
    outcome: 'succeeded' | 'failed' | 'unknown' | 'not_attempted';
    gatewayRefundId?: string;
    reason?: string;
    source: ConclusionSource;
  }
>;

/** Every command the payment decider accepts. */
export type PaymentCommand =
  | RequestPayment
  | RecordGatewayAttempt
  | ResumeCharge
  | ConcludeCharge
  | ApplyWebhook
  | RequestRefund
  | ResumeRefund
  | ConcludeRefund;

/** The `type` of a payment command. */
export type PaymentCommandType = PaymentCommand['type'];
