import type { DeadLetters } from '@ledger/bus';
import type { DeadLetterRedrive } from '@ledger/bus/aws';
import type { GlobalEventLog } from '@ledger/event-store';
import type { CheckpointStore, ParkingLot } from '@ledger/stream-consumer';
import type { DeliveryStats } from '@ledger/webhooks';
import type { ConsoleSessions } from './console-session';

/**
 * What the console reads beyond the API's queries: the same ports the CLI's operator commands
 * use (`ledger consumers`, `ledger dead-letters`), built by the API's composition roots.
 */
export interface ConsoleSources {
  sessions: ConsoleSessions;
  /** Recent deliveries and rejections: the time index over a bounded window, one tenant's only. */
  eventLog: GlobalEventLog;
  /** Each delivery's repeats, kept beside its event. */
  deliveryStats: DeliveryStats;
  parkingLot: ParkingLot;
  checkpoints: CheckpointStore;
  deadLetters: () => DeadLetters;
  /** Puts dead letters on the bus again (as `ledger dead-letters redrive`). */
  redriveDeadLetters: (limit: number) => Promise<DeadLetterRedrive>;
}
