import type { LedgerStorage } from '@ledger/event-store/aws';
import type { DeadLetters } from '../dead-letters/dead-letters.port';
import { createDeadLetters } from './dead-letters.factory';
import { DynamoDbDeadLetters } from './dynamodb-dead-letters';

/** The bus lib's storage-backed ports. */
export interface BusAdapters {
  /**
   * The publisher's dead letters where the deployment keeps them: the SQS queue at
   * DEAD_LETTER_QUEUE_URL in AWS, otherwise the meta table.
   */
  deadLetters: () => DeadLetters;
  /** The dead letters in the meta table, whatever the environment says (the benchmarks). */
  tableDeadLetters: () => DeadLetters;
}

/** The bus lib's adapters for one ledger storage: what composition roots call. */
export function busAdapters(storage: LedgerStorage): BusAdapters {
  return {
    deadLetters: () => createDeadLetters(storage.dynamoDb, storage.tables.meta),
    tableDeadLetters: () => new DynamoDbDeadLetters(storage.dynamoDb, storage.tables.meta),
  };
}
