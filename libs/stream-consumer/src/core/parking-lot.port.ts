import type { StoredEvent } from '@ledger/event-store';

/** A record a consumer kept failing on, set aside for an operator. */
export interface ParkedRecord {
  consumer: string;
  event: StoredEvent;
  error: string;
  attempts: number;
  parkedAt: string;
}

/** Where records that keep failing wait until an operator redrives them. */
export interface ParkingLot {
  park(record: ParkedRecord): Promise<void>;
  list(consumer: string, limit?: number): Promise<ParkedRecord[]>;
  /** Removes a record once a redrive has handled it. */
  release(consumer: string, event: StoredEvent): Promise<void>;
}
