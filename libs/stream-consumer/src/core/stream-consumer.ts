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
}

/** What a consumer may know of the rest of its batch while it handles one record. */
export interface BatchContext {
  following: readonly StoredEvent[];
}

/** A decoded record of the events table's stream. */
export interface ConsumerRecord {
  event: StoredEvent;
  /** The stream record's sequence number (what checkpoints and Lambda batch failures name). */
  sequenceNumber: string;
}
