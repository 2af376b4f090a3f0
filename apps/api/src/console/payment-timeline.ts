import type { HistoryEvent } from '@ledger/projections';
import type { DeliveryArrivals } from '@ledger/webhooks';

/** What kind of moment a timeline entry is; the console styles each differently. */
export type TimelineKind = 'command' | 'attempt' | 'webhook' | 'state' | 'conflict' | 'other';

/** One event of a payment, as the console's timeline shows it. */
export interface TimelineEntry {
  version: number;
  type: string;
  kind: TimelineKind;
  at: string;
  /** One line saying what happened. */
  summary: string;
  /** Label/value pairs worth reading without opening the raw event. */
  facts: Array<[string, string]>;
  /** The event as the history returns it, shown on demand. */
  raw: HistoryEvent;
}

const KIND: Record<string, TimelineKind> = {
  PaymentRequested: 'command',
  RefundRequested: 'command',
  ChargeResumed: 'command',
  RefundResumed: 'command',
  GatewayCallAttempted: 'attempt',
  WebhookLinked: 'webhook',
  PaymentSucceeded: 'state',
  PaymentFailed: 'state',
  PaymentOutcomeUnknown: 'state',
  RefundSucceeded: 'state',
  RefundFailed: 'state',
  RefundOutcomeUnknown: 'state',
  PaymentOutcomeContradicted: 'conflict',
};

const text = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};

function facts(pairs: Array<[string, unknown]>): Array<[string, string]> {
  return pairs.flatMap(([label, value]) => {
    const shown = text(value);
    return shown === undefined ? [] : [[label, shown] as [string, string]];
  });
}

/**
 * The pause between an attempt's end and the next attempt of the same operation: what the
 * attempt recorded as its retry delay, or else what the start times show.
 */
function delayBeforeNext(
  attempt: HistoryEvent,
  later: readonly HistoryEvent[],
): string | undefined {
  const data = attempt.data;
  if (typeof data.nextDelayMs === 'number') return `${data.nextDelayMs} ms`;
  const next = later.find(
    (event) =>
      event.type === 'GatewayCallAttempted' &&
      event.data.operation === data.operation &&
      event.data.refundId === data.refundId,
  );
  if (next === undefined) return undefined;
  const ended = Date.parse(String(data.startedAt)) + Number(data.durationMs ?? 0);
  const gap = Date.parse(String(next.data.startedAt)) - ended;
  return Number.isFinite(gap) ? `${Math.max(0, Math.round(gap))} ms` : undefined;
}

/** How a delivery's repeats read: "first of 3 arrivals (1 with another body)". */
function arrivalsOf(arrivals: DeliveryArrivals | undefined): string {
  if (arrivals === undefined) return 'arrived once';
  const repeats = arrivals.arrivals - 1;
  const differed =
    arrivals.conflictingBodies > 0
      ? `, ${arrivals.conflictingBodies} with a different body`
      : ', every repeat with the same body';
  return repeats <= 0
    ? 'arrived once'
    : `${arrivals.arrivals} arrivals (${repeats} repeat${repeats === 1 ? '' : 's'}${differed}), last ${arrivals.lastArrivalAt}`;
}

/**
 * A payment's history as timeline entries, in stream order: what each event means for a person
 * debugging the payment. `arrivals` holds each linked delivery's repeat counts, by delivery
 * stream id.
 */
export function paymentTimeline(
  events: readonly HistoryEvent[],
  arrivals: ReadonlyMap<string, DeliveryArrivals> = new Map(),
): TimelineEntry[] {
  return events.map((event, index) => {
    const d = event.data;
    const base = {
      version: event.version,
      type: event.type,
      kind: KIND[event.type] ?? 'other',
      at: text(d.at) ?? event.recordedAt,
      raw: event,
    };
    switch (event.type) {
      case 'PaymentRequested':
        return {
          ...base,
          summary: `Payment requested: ${text(d.amount)} ${text(d.currency)}`,
          facts: facts([
            ['customer', d.customerId],
            ['order', d.orderId],
            ['actor', event.metadata.actor],
          ]),
        };
      case 'GatewayCallAttempted':
        return {
          ...base,
          summary: `${text(d.operation)} attempt ${text(d.attempt)}: ${text(d.outcome)}`,
          facts: facts([
            ['status code', d.httpStatus],
            ['duration', d.durationMs === undefined ? undefined : `${text(d.durationMs)} ms`],
            ['delay before next', delayBeforeNext(event, events.slice(index + 1))],
            ['breaker', d.breakerState],
            ['request', `${text(d.method)} ${text(d.path)}`],
            ['gateway request id', d.gatewayRequestId],
          ]),
        };
      case 'WebhookLinked':
        return {
          ...base,
          summary: `Webhook ${text(d.providerEventType)} from ${text(d.provider)}: ${text(d.effect)}`,
          facts: facts([
            ['delivery', d.deliveryId],
            ['received', d.receivedAt],
            ['arrivals', arrivalsOf(arrivals.get(String(d.deliveryStreamId)))],
            ['intent', d.intent],
          ]),
        };
      case 'PaymentOutcomeContradicted':
        return {
          ...base,
          summary: `Contradiction: the gateway reported ${text(d.reported)} while the ledger holds ${text(d.recordedStatus)}`,
          facts: facts([
            ['conflict', d.conflict],
            ['source', d.source],
            ['gateway transaction', d.gatewayTransactionId],
          ]),
        };
      default:
        return {
          ...base,
          summary: event.type,
          facts: facts([
            ['amount', d.amount],
            ['refund', d.refundId],
            ['reason', d.reason],
            ['category', d.category],
            ['decline code', d.declineCode],
            ['source', d.source],
            ['by', d.by],
            ['gateway transaction', d.gatewayTransactionId],
          ]),
        };
    }
  });
}
