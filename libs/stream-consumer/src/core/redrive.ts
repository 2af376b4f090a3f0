import type { UpcasterChain } from '@ledger/event-store';
import type { ParkingLot, ParkedRecord } from './parking-lot.port';
import type { StreamConsumer } from './stream-consumer';

export interface RedriveResult {
  redriven: number;
  stillFailing: { record: ParkedRecord; error: string }[];
}

/**
 * Hands a consumer's parked records to it again, oldest stream position first; each one it now
 * handles leaves the parking lot, the others stay for another try.
 */
export async function redriveParked(
  consumer: StreamConsumer,
  parkingLot: ParkingLot,
  limit = 100,
  upcasters?: UpcasterChain,
): Promise<RedriveResult> {
  const parked = await parkingLot.list(consumer.name, limit);
  const result: RedriveResult = { redriven: 0, stillFailing: [] };
  for (const record of parked) {
    try {
      // A record parked by an older release is handed over in today's shape, like a fresh one.
      await consumer.handle(upcasters?.upcast(record.event) ?? record.event);
      await parkingLot.release(consumer.name, record.event);
      result.redriven += 1;
    } catch (error) {
      result.stillFailing.push({
        record,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return result;
}
