/**
 * The stream-consumer lib's in-memory adapters: twins of the DynamoDB ones, for tests that need
 * no DynamoDB Local. Imported as `@ledger/stream-consumer/in-memory`.
 */
export * from './infrastructure/in-memory-checkpoint-store';
export * from './infrastructure/in-memory-parking-lot';
export * from './infrastructure/redrive-failures/in-memory-failure-queue';
