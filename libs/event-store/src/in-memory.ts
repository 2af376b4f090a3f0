/**
 * The event store's in-memory adapter: the twin of the DynamoDB one, for tests of the code above
 * the store that need no DynamoDB Local. Imported as `@ledger/event-store/in-memory`.
 */
export * from './infrastructure/in-memory-event-store';
