/**
 * The schema history of the payment events: the version `decide` writes for each type today, and
 * the upcasters that turn every older stored shape into it on read, so a replay over old events
 * runs today's `evolve` and mappers unchanged. Storage is never rewritten.
 *
 * Changelog:
 * - PaymentFailed v2: adds the required `category` (`declined` | `invalid_request` |
 *   `gateway_unavailable`). v1 events get it derived from `reason`, `declineCode` and `source`.
 *
 * Changing an event's shape: bump its version here, add the step from the previous version
 * below, and keep every older step as it is (old events are upcast again on every read).
 */
import type { OutcomeSource, PaymentEventType } from './payment.events';
import { paymentFailureCategory, type PaymentFailureCategory } from './payment.failure-category';

/**
 * One step of an event type's shape history, structurally the event store's `Upcaster` (the
 * domain states its versions without depending on the store): `toVersion` is `fromVersion + 1`.
 */
export type EventUpcaster = Readonly<{
  type: string;
  fromVersion: number;
  toVersion: number;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}>;

/** The `schemaVersion` `decide` writes for each payment event type. */
export const PAYMENT_EVENT_VERSIONS: Readonly<Record<PaymentEventType, number>> = Object.freeze({
  PaymentRequested: 1,
  GatewayCallAttempted: 1,
  ChargeResumed: 1,
  PaymentSucceeded: 1,
  PaymentFailed: 2,
  PaymentOutcomeUnknown: 1,
  WebhookLinked: 1,
  PaymentOutcomeContradicted: 1,
  RefundRequested: 1,
  RefundResumed: 1,
  RefundSucceeded: 1,
  RefundFailed: 1,
  RefundOutcomeUnknown: 1,
});

/** `PaymentFailed` data as release v1 wrote it. */
export type PaymentFailedDataV1 = {
  at: string;
  reason: string;
  declineCode?: string;
  source: OutcomeSource;
};

/**
 * PaymentFailed v1 -> v2: derives `category` the way `decide` categorises a decline. A webhook
 * failure is always `declined` (the provider reports the card's fate, not our request's).
 * Should the decider's rule ever change, freeze a copy of today's rule here first: what a v1
 * event meant does not change with later releases.
 */
export const paymentFailedV1ToV2: EventUpcaster = {
  type: 'PaymentFailed',
  fromVersion: 1,
  toVersion: 2,
  upcast: (data) => {
    const v1 = data as PaymentFailedDataV1;
    const category: PaymentFailureCategory =
      v1.source === 'webhook' ? 'declined' : paymentFailureCategory(v1.reason, v1.declineCode);
    return { ...data, category };
  },
};

/** Every payment event upcaster, oldest step first. */
export const PAYMENT_UPCASTERS: readonly EventUpcaster[] = Object.freeze([paymentFailedV1ToV2]);
