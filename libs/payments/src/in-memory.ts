/**
 * The payments lib's in-memory adapters: twins of the DynamoDB ones, for tests that need no
 * DynamoDB Local. Imported as `@ledger/payments/in-memory`.
 */
export * from './infrastructure/in-memory-request-idempotency';
