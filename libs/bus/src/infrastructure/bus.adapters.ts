import type { LedgerStorage } from '@ledger/event-store/aws';
import type { DeadLetters } from '../dead-letters/dead-letters.port';
import { createDeadLetters } from './dead-letters.factory';

/** The bus lib's storage-backed ports. */
export interface BusAdapters {
  /**
   * The publisher's dead letters: the SQS queue at `deadLetterQueueUrl` (default:
   * DEAD_LETTER_QUEUE_URL) in AWS, otherwise the meta table.
   */
  deadLetters(options?: { deadLetterQueueUrl?: string }): DeadLetters;
}

/** The bus lib's adapters for one ledger storage: what composition roots call. */
export function busAdapters(storage: LedgerStorage): BusAdapters {
  return {
    deadLetters: (options = {}) =>
      options.deadLetterQueueUrl === undefined
        ? createDeadLetters(storage.dynamoDb, storage.tables.meta)
        : createDeadLetters(storage.dynamoDb, storage.tables.meta, options.deadLetterQueueUrl),
  };
}
