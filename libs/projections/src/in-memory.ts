/**
 * The projections lib's in-memory adapters: twins of the DynamoDB ones, for tests that need no
 * DynamoDB Local. Imported as `@ledger/projections/in-memory`.
 */
export * from './infrastructure/in-memory-payment-documents';
export * from './infrastructure/in-memory-read-model-generations';
