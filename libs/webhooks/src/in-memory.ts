/**
 * The webhooks lib's in-memory adapters: twins of the DynamoDB ones, for tests that need no
 * DynamoDB Local. Imported as `@ledger/webhooks/in-memory`.
 */
export * from './infrastructure/in-memory-correlation-index';
