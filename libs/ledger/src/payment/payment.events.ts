import type { DomainEvent } from '../decider/decider';
import type {
  ChargeResumption,
  ConclusionSource,
  GatewayAttemptData,
  RequestMode,
  WebhookIntent,
} from './payment.commands';
import type { PaymentFailureCategory } from './payment.failure-category';
import type { PaymentStatus } from './payment.state';

/**
 * Every payment event's `data` carries `at`: the deciding command's `metadata.now`. `evolve` takes
 * `updatedAt` (and `createdAt`) from it, so folding needs no clock and a replay gives the same
 * state. (`recordedAt`, added by the store, is when it was written; `at` is when it was decided.)
 */
export type Timestamped = { at: string };

/** Where a payment or refund outcome was learnt from. */
export type OutcomeSource = ConclusionSource | 'webhook';

/** What a webhook delivery did to the payment it was linked to. */
export type WebhookEffect = 'applied' | 'no_change' | 'unhandled' | 'conflict';

/**
 * The webhook delivery an event links to its payment: what `WebhookLinked` records, less the
 * effect. A state event the delivery caused carries it as `webhook` (its effect is then `applied`;
 * a `PaymentOutcomeContradicted`'s is `conflict`), so that one put both links the delivery and
 * changes the payment. Events written before that release link by a `WebhookLinked` of their own.
 */
export type WebhookLink = {
  deliveryEventId: string;
  deliveryStreamId: string;
  provider: string;
  deliveryId: string;
  providerEventType: string;
  intent: WebhookIntent;
  receivedAt: string;
};

/** The `webhook` member of the state events a delivery can cause. */
export type LinkedBy = { webhook?: WebhookLink };

export type PaymentRequested = DomainEvent<
  'PaymentRequested',
  Timestamped & {
    paymentId: string;
    amount: number;
    currency: string;
    customerId?: string;
    orderId?: string;
    description?: string;
    requestedAt: string;
    /** `async`: accepted only; the charger makes the gateway call. Absent: the request charged. */
    mode?: RequestMode;
  }
>;

export type GatewayCallAttempted = DomainEvent<
  'GatewayCallAttempted',
  Timestamped & GatewayAttemptData
>;

/**
 * Another run than the requesting one (a retried request, a reconcile) is about to charge: from
 * here on the stream cannot prove that no request was sent, so a later refusal to send is
 * `outcome_unknown`, never `failed`. Written before that run may send anything.
 */
export type ChargeResumed = DomainEvent<'ChargeResumed', Timestamped & { by: ChargeResumption }>;

export type PaymentSucceeded = DomainEvent<
  'PaymentSucceeded',
  Timestamped & LinkedBy & { amount: number; gatewayTransactionId?: string; source: OutcomeSource }
>;

/**
 * The charge definitively failed; no money moved.
 *
 * Schema versions (`PAYMENT_EVENT_VERSIONS`, upcasters in `payment.upcasters.ts`):
 * - v2: adds the required `category`, so readers stop parsing `reason` to tell a decline from a
 *   bad request or a gateway that was never called.
 * - v1: `reason`, optional `declineCode`, `source`.
 */
export type PaymentFailed = DomainEvent<
  'PaymentFailed',
  Timestamped &
    LinkedBy & {
      reason: string;
      declineCode?: string;
      category: PaymentFailureCategory;
      source: OutcomeSource;
    }
>;

/** The gateway may have charged but never said so; reconciliation or a webhook settles it. */
export type PaymentOutcomeUnknown = DomainEvent<
  'PaymentOutcomeUnknown',
  Timestamped & { reason: string; source: ConclusionSource }
>;

/**
 * A webhook delivery linked to this payment. Since the one-event link, only for a delivery that
 * changes nothing (`no_change`, `unhandled`): one that does is linked by the state event it causes
 * (`webhook`). Streams written before hold it for every effect, followed by the state event.
 */
export type WebhookLinked = DomainEvent<
  'WebhookLinked',
  Timestamped & WebhookLink & { effect: WebhookEffect }
>;

/** What the gateway reported, in the ledger's words, when it contradicted the ledger. */
export type ReportedOutcome = Exclude<WebhookIntent, 'unknown'>;

/**
 * The gateway reported something the recorded outcome contradicts (a webhook or a reconcile says
 * succeeded while the payment is failed, a refund succeeded that the payment cannot hold...).
 * The recorded status stands (the first definitive outcome wins); this event keeps the
 * contradiction visible until someone settles it.
 */
export type PaymentOutcomeContradicted = DomainEvent<
  'PaymentOutcomeContradicted',
  Timestamped &
    LinkedBy & {
      reported: ReportedOutcome;
      /** The payment's status when the report arrived. */
      recordedStatus: PaymentStatus;
      /** Why the report could not be applied, e.g. `payment_failed_at_ledger`. */
      conflict: string;
      source: OutcomeSource;
      /** The delivery's `WebhookReceived` event id, when a webhook reported it. */
      deliveryEventId?: string;
      gatewayTransactionId?: string;
      refundId?: string;
      amount?: number;
      currency?: string;
    }
>;

export type RefundRequested = DomainEvent<
  'RefundRequested',
  Timestamped & {
    refundId: string;
    amount: number;
    reason?: string;
    requestedAt: string;
    /** As `PaymentRequested`'s: `async` when the charger sends the refund. */
    mode?: RequestMode;
  }
>;

/** As `ChargeResumed`, for one refund: another run may send it from here on. */
export type RefundResumed = DomainEvent<
  'RefundResumed',
  Timestamped & { refundId: string; by: ChargeResumption }
>;

export type RefundSucceeded = DomainEvent<
  'RefundSucceeded',
  Timestamped &
    LinkedBy & {
      refundId: string;
      amount: number;
      gatewayRefundId?: string;
      source: OutcomeSource;
    }
>;

export type RefundFailed = DomainEvent<
  'RefundFailed',
  Timestamped & LinkedBy & { refundId: string; reason: string; source: OutcomeSource }
>;

export type RefundOutcomeUnknown = DomainEvent<
  'RefundOutcomeUnknown',
  Timestamped & { refundId: string; reason: string; source: ConclusionSource }
>;

/** Every event of a payment stream. */
export type PaymentEvent =
  | PaymentRequested
  | GatewayCallAttempted
  | ChargeResumed
  | PaymentSucceeded
  | PaymentFailed
  | PaymentOutcomeUnknown
  | WebhookLinked
  | PaymentOutcomeContradicted
  | RefundRequested
  | RefundResumed
  | RefundSucceeded
  | RefundFailed
  | RefundOutcomeUnknown;

/** The `type` of a payment event. */
export type PaymentEventType = PaymentEvent['type'];

/** The webhook delivery `event` links to its payment, if any: a `WebhookLinked`'s, or a `webhook`. */
export function webhookLinkOf(event: PaymentEvent): WebhookLink | undefined {
  switch (event.type) {
    case 'WebhookLinked': {
      const { at: _at, effect: _effect, ...link } = event.data;
      return link;
    }
    case 'PaymentSucceeded':
    case 'PaymentFailed':
    case 'PaymentOutcomeContradicted':
    case 'RefundSucceeded':
    case 'RefundFailed':
      return event.data.webhook;
    case 'PaymentRequested':
    case 'GatewayCallAttempted':
    case 'ChargeResumed':
    case 'PaymentOutcomeUnknown':
    case 'RefundRequested':
    case 'RefundResumed':
    case 'RefundOutcomeUnknown':
      return undefined;
  }
}

/** The effect of the delivery `event` links, if any: a `webhook` link's is its event's. */
export function webhookEffectOf(event: PaymentEvent): WebhookEffect | undefined {
  if (event.type === 'WebhookLinked') return event.data.effect;
  if (webhookLinkOf(event) === undefined) return undefined;
  return event.type === 'PaymentOutcomeContradicted' ? 'conflict' : 'applied';
}

// A record, not an array, so adding an event type without listing it here fails to compile.
const eventTypes: Record<PaymentEventType, true> = {
  PaymentRequested: true,
  GatewayCallAttempted: true,
  ChargeResumed: true,
  PaymentSucceeded: true,
  PaymentFailed: true,
  PaymentOutcomeUnknown: true,
  WebhookLinked: true,
  PaymentOutcomeContradicted: true,
  RefundRequested: true,
  RefundResumed: true,
  RefundSucceeded: true,
  RefundFailed: true,
  RefundOutcomeUnknown: true,
};

/** Every payment event type, e.g. to tell a payment event from another stream's. */
export const PAYMENT_EVENT_TYPES = Object.freeze(Object.keys(eventTypes) as PaymentEventType[]);

/** True when `type` is the type of a payment event. */
export function isPaymentEventType(type: string): type is PaymentEventType {
  return Object.prototype.hasOwnProperty.call(eventTypes, type);
}
