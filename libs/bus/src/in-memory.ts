/**
 * The bus lib's in-memory adapters: twins of the DynamoDB (and SQS) ones, for tests that need no
 * DynamoDB Local. Imported as `@ledger/bus/in-memory`.
 */
export * from './infrastructure/in-memory-dead-letters';
