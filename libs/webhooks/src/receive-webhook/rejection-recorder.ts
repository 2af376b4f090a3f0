import { ulid } from 'ulid';
import type { EventStore } from '@ledger/event-store';
import {
  UNATTRIBUTED_TENANT,
  WEBHOOK_REJECTED,
  WEBHOOK_REJECTIONS_SUPPRESSED,
  rejectionStreamId,
  type WebhookRejectedData,
  type WebhookRejectionsSuppressedData,
} from './webhook.events';

export interface RejectionRecorderOptions {
  /** Rejections stored one by one per second, sustained (default 10). */
  ratePerSecond?: number;
  /** Rejections stored one by one in a burst (default 20). */
  burst?: number;
  /** How often the counts of suppressed rejections are written (default 10 s). */
  flushIntervalMs?: number;
  clock?: () => Date;
  onError?: (error: unknown) => void;
}

interface Suppressed {
  count: number;
  byReason: Map<string, number>;
  byProvider: Map<string, number>;
  from: string;
}

/** A record with no prototype, so any key (`__proto__` included) is an own data member. */
function toRecord(counts: ReadonlyMap<string, number>): Record<string, number> {
  const record = Object.create(null) as Record<string, number>;
  for (const [key, count] of counts) record[key] = count;
  return record;
}

/**
 * Records rejected deliveries as `WebhookRejected` events, each its own stream so writes never
 * contend. Past the configured rate (a token bucket) a rejection is only counted, and the counts
 * are written as one `WebhookRejectionsSuppressed` event per tenant and interval, so a flood of
 * bad requests cannot fill the store. Recording never delays the response.
 */
export class RejectionRecorder {
  private readonly rate: number;
  private readonly burst: number;
  private readonly clock: () => Date;
  private readonly onError: (error: unknown) => void;
  private tokens: number;
  private refilledAt: number;
  private readonly suppressed = new Map<string, Suppressed>();
  private readonly pending = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: EventStore,
    options: RejectionRecorderOptions = {},
  ) {
    this.rate = options.ratePerSecond ?? 10;
    this.burst = options.burst ?? 20;
    this.clock = options.clock ?? (() => new Date());
    this.onError = options.onError ?? (() => undefined);
    this.tokens = this.burst;
    this.refilledAt = this.clock().getTime();
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 10_000);
    this.timer.unref();
  }

  /** Stores or counts one rejection; returns at once. */
  record(tenantId: string | undefined, data: WebhookRejectedData): void {
    const tenant = tenantId ?? UNATTRIBUTED_TENANT;
    if (this.takeToken()) {
      this.track(
        this.store
          .startStream(rejectionStreamId(tenant, ulid()), {
            type: WEBHOOK_REJECTED,
            data,
            metadata: { tenantId: tenant, source: 'webhook', actor: `provider:${data.provider}` },
          })
          .then(() => undefined),
      );
      return;
    }
    const counts = this.suppressed.get(tenant) ?? {
      count: 0,
      byReason: new Map<string, number>(),
      byProvider: new Map<string, number>(),
      from: data.receivedAt,
    };
    counts.count += 1;
    // Maps, not object literals: a provider named `toString` or `__proto__` is just a name.
    counts.byReason.set(data.reason, (counts.byReason.get(data.reason) ?? 0) + 1);
    counts.byProvider.set(data.provider, (counts.byProvider.get(data.provider) ?? 0) + 1);
    this.suppressed.set(tenant, counts);
  }

  /** Writes the counts gathered so far, one event per tenant. */
  async flush(): Promise<void> {
    const to = this.clock().toISOString();
    const batches = [...this.suppressed.entries()];
    this.suppressed.clear();
    for (const [tenant, counts] of batches) {
      const data: WebhookRejectionsSuppressedData = {
        count: counts.count,
        byReason: toRecord(counts.byReason),
        byProvider: toRecord(counts.byProvider),
        from: counts.from,
        to,
      };
      this.track(
        this.store
          .startStream(`${tenant}#webhook-rejections-suppressed#${ulid()}`, {
            type: WEBHOOK_REJECTIONS_SUPPRESSED,
            data,
            metadata: { tenantId: tenant, source: 'webhook' },
          })
          .then(() => undefined),
      );
    }
    await Promise.all([...this.pending]);
  }

  /** Flushes, waits for every write in flight and stops the timer. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private takeToken(): boolean {
    const now = this.clock().getTime();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private track(write: Promise<void>): void {
    const tracked = write.catch(this.onError).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}
