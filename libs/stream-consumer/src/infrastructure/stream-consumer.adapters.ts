import type { LedgerStorage } from '@ledger/event-store/aws';
import type { CheckpointStore } from '../core/checkpoint-store.port';
import type { ParkingLot } from '../core/parking-lot.port';
import { StreamPoller, type StreamPollerOptions } from './local-poller/stream-poller';
import { DynamoDbCheckpointStore } from './dynamodb-checkpoint-store';
import { DynamoDbParkingLot } from './dynamodb-parking-lot';

/** The stream-consumer lib's ports on DynamoDB, and the local poller over the events table. */
export interface StreamConsumerAdapters {
  /** Each consumer's position per shard (the local poller's; Lambda keeps its own). */
  checkpoints: CheckpointStore;
  /** Records a consumer gave up on, listed and redriven by the CLI. */
  parkingLot: ParkingLot;
  /**
   * A poller of the events table's stream for one consumer, decoding records with the storage's
   * upcasters, with the checkpoints and parking lot above.
   */
  poller: (options: LocalPollerOptions) => StreamPoller;
}

/** A local poller's settings; the storage supplies the rest. */
export type LocalPollerOptions = Omit<
  StreamPollerOptions,
  'dynamoDb' | 'eventsTable' | 'upcasters' | 'checkpoints' | 'parkingLot'
>;

/** The stream-consumer lib's DynamoDB adapters for one ledger storage: what composition roots call. */
export function streamConsumerAdapters(storage: LedgerStorage): StreamConsumerAdapters {
  const checkpoints = new DynamoDbCheckpointStore(storage.dynamoDb, storage.tables.meta);
  const parkingLot = new DynamoDbParkingLot(storage.dynamoDb, storage.tables.meta);
  return {
    checkpoints,
    parkingLot,
    poller: (options) =>
      new StreamPoller({
        ...options,
        checkpoints,
        parkingLot,
        dynamoDb: storage.dynamoDb,
        eventsTable: storage.tables.events,
        upcasters: storage.upcasters,
      }),
  };
}
