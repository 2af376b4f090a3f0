import type { StoredEvent } from '@ledger/event-store';
import type { ParkedRecord, ParkingLot } from '../core/parking-lot.port';

/**
 * Parked records in memory, per consumer in stream-position order (as the meta table sorts
 * them); parking the same event again replaces its record.
 */
export class InMemoryParkingLot implements ParkingLot {
  private readonly byConsumer = new Map<string, Map<string, ParkedRecord>>();

  park(record: ParkedRecord): Promise<void> {
    let parked = this.byConsumer.get(record.consumer);
    if (parked === undefined) {
      parked = new Map();
      this.byConsumer.set(record.consumer, parked);
    }
    parked.set(record.event.position, structuredClone(record));
    return Promise.resolve();
  }

  list(consumer: string, limit = 100): Promise<ParkedRecord[]> {
    const parked = [...(this.byConsumer.get(consumer)?.entries() ?? [])];
    return Promise.resolve(
      parked
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, limit)
        .map(([, record]) => structuredClone(record)),
    );
  }

  release(consumer: string, event: StoredEvent): Promise<void> {
    this.byConsumer.get(consumer)?.delete(event.position);
    return Promise.resolve();
  }
}
