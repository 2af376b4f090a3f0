import type { BusEnvelope } from '@ledger/bus';

/** Something a rule delivers to: locally, a function's handler in this process. */
export interface BusTarget {
  /** The function's logical id in template.yaml. */
  name: string;
  handle(event: BusEnvelope): Promise<void>;
}

/** Entries the bus is told to refuse, for tests of the publisher's retries and dead letters. */
export interface FailureRule {
  /** Refuse only entries of this detail-type (any when absent). */
  detailType?: string;
  /** Refuse only entries whose detail.eventId is this one (any when absent). */
  eventId?: string;
  /** How many entries to refuse; -1 = every matching entry until reset. */
  count: number;
}

export interface LocalBusStats {
  putEventsCalls: number;
  entriesReceived: number;
  entriesFailed: number;
  deliveries: Record<string, number>;
  deliveryFailures: Record<string, number>;
}
