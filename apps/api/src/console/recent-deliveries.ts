import type { GlobalEventLog } from '@ledger/event-store';
import {
  WEBHOOK_RECEIVED,
  WEBHOOK_REJECTED,
  WEBHOOK_REJECTIONS_SUPPRESSED,
} from '@ledger/webhooks';

/** The windows the deliveries page offers; the read is bounded by the window and a count. */
export const DELIVERY_WINDOWS = [
  { name: '15m', label: 'last 15 minutes', seconds: 15 * 60 },
  { name: '1h', label: 'last hour', seconds: 60 * 60 },
  { name: '24h', label: 'last 24 hours', seconds: 24 * 60 * 60 },
] as const;

/** At most this many of the tenant's events are read for one page, whatever the window holds. */
export const MAX_EVENTS_READ = 5_000;
/** At most this many rows of each kind are shown, newest first. */
const SHOWN = 100;

export interface RecentDelivery {
  streamId: string;
  provider: string;
  deliveryId: string;
  receivedAt: string;
  bodyBytes?: number;
  eventType?: string;
}

export interface RecentRejection {
  provider: string;
  reason: string;
  detail: string;
  receivedAt: string;
}

export interface SuppressedCounts {
  count: number;
  byReason: Record<string, number>;
  byProvider: Record<string, number>;
  from: string;
  to: string;
}

export interface RecentDeliveries {
  deliveries: RecentDelivery[];
  rejections: RecentRejection[];
  suppressed: SuppressedCounts[];
  /** Deliveries per provider over what was read. */
  perProvider: Record<string, number>;
  /** The read stopped at {@link MAX_EVENTS_READ} before the window's end. */
  truncated: boolean;
}

/** A stored member as text (hostile bodies may hold anything; the page escapes it). */
const textOf = (value: unknown, fallback = ''): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;

const newestFirst = <T>(rows: T[]): T[] => rows.slice(-SHOWN).reverse();

/**
 * One tenant's webhook deliveries, rejections and suppressed-rejection counts over a time
 * window, from the time index (the tenant filter applies while reading, so nothing of another
 * tenant is read into the page). Bounded: the window and {@link MAX_EVENTS_READ}.
 */
export async function recentDeliveries(
  log: GlobalEventLog,
  window: { tenantId: string; from: string; to: string },
): Promise<RecentDeliveries> {
  const result: RecentDeliveries = {
    deliveries: [],
    rejections: [],
    suppressed: [],
    perProvider: Object.create(null) as Record<string, number>,
    truncated: false,
  };
  let read = 0;
  for await (const event of log.readAll({ ...window, pageSize: 500 })) {
    if (++read > MAX_EVENTS_READ) {
      result.truncated = true;
      break;
    }
    const data = event.data;
    if (event.type === WEBHOOK_RECEIVED) {
      const provider = textOf(data.provider);
      result.perProvider[provider] = (result.perProvider[provider] ?? 0) + 1;
      result.deliveries.push({
        streamId: event.streamId,
        provider,
        deliveryId: textOf(data.deliveryId),
        receivedAt: textOf(data.receivedAt, event.recordedAt),
        bodyBytes:
          typeof data.bodyBytes === 'number'
            ? data.bodyBytes
            : data.body instanceof Uint8Array
              ? data.body.byteLength
              : undefined,
      });
    } else if (event.type === WEBHOOK_REJECTED) {
      result.rejections.push({
        provider: textOf(data.provider),
        reason: textOf(data.reason),
        detail: textOf(data.detail),
        receivedAt: textOf(data.receivedAt, event.recordedAt),
      });
    } else if (event.type === WEBHOOK_REJECTIONS_SUPPRESSED) {
      result.suppressed.push(data as unknown as SuppressedCounts);
    }
  }
  return {
    ...result,
    deliveries: newestFirst(result.deliveries),
    rejections: newestFirst(result.rejections),
    suppressed: newestFirst(result.suppressed),
  };
}
