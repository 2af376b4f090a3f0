import type { NewEvent, StoredEvent, StreamHead } from './event';

export interface AppendOptions {
  /**
   * A caller-chosen key (Idempotency-Key header, causation id, ...). Written as a marker in the
   * same transaction as the events: a repeat with the same payload returns the first result.
   */
  idempotencyKey?: string;
  /**
   * The head the caller read before deciding. Saves the store a read; when it is omitted and
   * `expectedVersion > 0` the store reads the head itself.
   */
  head?: StreamHead;
}

export interface AppendResult {
  streamId: string;
  /** Version of the first event written by this append. */
  fromVersion: number;
  /** Version of the last event written: the next expected version. */
  toVersion: number;
  eventIds: string[];
  recordedAt: string;
  /** True when an earlier append with the same idempotency key is being returned. */
  duplicate: boolean;
}

export interface ReadStreamOptions {
  /** First version to return (default 1). */
  fromVersion?: number;
  /** Page size (default 100, at most 1,000). */
  limit?: number;
}

export interface StreamPage {
  events: StoredEvent[];
  /** Pass as `fromVersion` for the next page; absent on the last page. */
  nextVersion?: number;
}

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
  /** Per shard index: resume that reader strictly after this position (its last event). */
  after?: (shard: number) => string | undefined;
  /** Only this tenant's events, as in `ReadAllOptions`. */
  tenantId?: string;
  /** Events fetched per query (default 250). */
  pageSize?: number;
}

/** What `startStream` found: its own event written, or the stream's existing first event. */
export type StartStreamResult =
  { created: true; event: StoredEvent } | { created: false; existing: StoredEvent };

/** The one event-store port. There is deliberately no update or delete operation. */
export interface EventStore {
  /**
   * Writes `event` as version 1 of a new stream in one conditional write. When the stream already
   * exists nothing is written and its first event is returned instead (no extra read): the exact
   * dedupe for anything that is its own stream, such as an inbound webhook delivery.
   */
  startStream(streamId: string, event: NewEvent): Promise<StartStreamResult>;
  append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StreamPage>;
  /** Every event of the stream from `fromVersion` on, page by page. */
  readWholeStream(streamId: string, fromVersion?: number): AsyncGenerator<StoredEvent>;
  readHead(streamId: string): Promise<StreamHead | undefined>;
  /** Every event in the global order of the time index, consistent with each stream's order. */
  readAll(options?: ReadAllOptions): AsyncGenerator<StoredEvent>;
  /**
   * The global order split into one reader per time-index shard. Every stream lies in exactly
   * one shard, so each reader keeps the order of each of its streams, and the readers can run in
   * parallel (a consumer that needs no order across streams, like a rebuild). Together they
   * return what `readAll` returns.
   */
  readShards(options?: ReadShardsOptions): AsyncIterable<StoredEvent>[];
  /** How many events `readAll` would return for the same bounds (counted, not read). */
  countAll(options?: Pick<ReadAllOptions, 'from' | 'to' | 'tenantId'>): Promise<number>;
}

/** Nest injection token for the event store port. */
export const EVENT_STORE = Symbol('EVENT_STORE');
