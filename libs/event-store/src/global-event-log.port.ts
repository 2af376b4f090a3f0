import type { StoredEvent } from './event';

export interface ReadAllOptions {
  /** Inclusive lower bound on `recordedAt` (ISO-8601). */
  from?: string;
  /** Exclusive upper bound on `recordedAt` (ISO-8601); default now. */
  to?: string;
  /** Resume strictly after this position (a previous event's `position`). */
  after?: string;
  /**
   * Only this tenant's events (streams `<tenant>#...`), filtered while reading, so no other
   * tenant's event, position or count ever reaches the caller.
   */
  tenantId?: string;
  /** Events fetched per shard query (default 250). */
  pageSize?: number;
}

export interface ReadShardsOptions {
  /** Inclusive lower bound on `recordedAt` (ISO-8601). */
  from?: string;
  /** Exclusive upper bound on `recordedAt` (ISO-8601); default now. */
  to?: string;
  /** Per reader (lane) index: resume that reader strictly after this position (its last event). */
  after?: (shard: number) => string | undefined;
  /** Only this tenant's events, as in `ReadAllOptions`. */
  tenantId?: string;
  /** Events fetched per query (default 250). */
  pageSize?: number;
}

/**
 * Every event of the store in its global order (the time index), consistent with each stream's
 * order. Only replay (rebuild, verify, republish) reads it; stream work needs the `EventStore`.
 */
export interface GlobalEventLog {
  /** Every event in the global order of the time index, consistent with each stream's order. */
  readAll(options?: ReadAllOptions): AsyncGenerator<StoredEvent>;
  /**
   * The global order split into one reader per lane of the time index (`TIME_INDEX_LANES`, 8,
   * whatever the days' shard counts). Every stream lies in exactly one lane on every day, so each
   * reader keeps the order of each of its streams, and the readers can run in parallel (a
   * consumer that needs no order across streams, like a rebuild). Together they return what
   * `readAll` returns.
   */
  readShards(options?: ReadShardsOptions): AsyncIterable<StoredEvent>[];
  /** How many events `readAll` would return for the same bounds (counted, not read). */
  countAll(options?: Pick<ReadAllOptions, 'from' | 'to' | 'tenantId'>): Promise<number>;
}
