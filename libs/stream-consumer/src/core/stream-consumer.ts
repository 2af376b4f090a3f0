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
  handle(event: StoredEvent): Promise<void>;
}

/** A decoded record of the events table's stream. */
export interface ConsumerRecord {
  event: StoredEvent;
  /** The stream record's sequence number (what checkpoints and Lambda batch failures name). */
  sequenceNumber: string;
}
