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

/** What `startStream` found: its own event written, or the stream's existing first event. */
export type StartStreamResult =
  { created: true; event: StoredEvent } | { created: false; existing: StoredEvent };

/**
 * The event-store port: streams, written and read one at a time. There is deliberately no update or
 * delete operation. Reads across every stream are the `GlobalEventLog`'s.
 */
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
}

/** Nest injection token for the event store port. */
export const EVENT_STORE = Symbol('EVENT_STORE');
