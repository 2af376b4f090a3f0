import type { StoredEvent } from '@ledger/event-store';

/**
 * A consumer of the events table's stream (correlator, projector, publisher, ...). `handle` is
 * called at least once per event, in version order within each stream; it must be idempotent.
 */
export interface StreamConsumer {
  /** Stable name: it keys the consumer's checkpoints and parked records. */
  readonly name: string;
  /** Event streams handled at once within a batch, when this consumer wants other than 16. */
  readonly concurrency?: number;
  /**
   * How a failing record is retried before it is parked, when this consumer wants other than the
   * processor's defaults (the charger waits out an open circuit breaker this way).
   */
  readonly retry?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /**
   * `batch.following` holds the records of the same event stream that come after `event` in this
   * batch, in order: a consumer may act on them at once (and then find them done when they come),
   * but must still handle each when it comes.
   */
  handle(event: StoredEvent, batch?: BatchContext): Promise<void>;
  /**
   * Whether a record may concern this consumer, judged on its stored image before it is decoded:
   * the drivers decode and hand over only the records it wants; the others count as handled (they
   * advance the checkpoint). The local twin of the consumer's `FilterCriteria` in template.yaml,
   * under the same rule: it must never refuse a record `handle` would act on. Absent: every record.
   */
  wants?(head: RecordHead): boolean;
}

/** What a driver reads of a stream record without decoding it. */
export interface RecordHead {
  streamId: string;
  type: string;
  /** The stored (not upcast) string member `member` of the event's `data`, if it has one. */
  dataString(member: string): string | undefined;
}

/** What a consumer may know of the rest of its batch while it handles one record. */
export interface BatchContext {
  following: readonly StoredEvent[];
  /**
   * One map per batch, shared by the handling (and the retries) of every record in it: what a
   * consumer learns while handling one record and may use for the next ones of the batch.
   */
  memo: Map<string, unknown>;
  /** Every event of the batch handed to the consumer, in the batch's order. */
  events: readonly StoredEvent[];
}

/** A decoded record of the events table's stream. */
export interface ConsumerRecord {
  event: StoredEvent;
  /** The stream record's sequence number (what checkpoints and Lambda batch failures name). */
  sequenceNumber: string;
}
