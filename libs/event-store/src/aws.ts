/**
 * The event-store lib's AWS adapters: imported as `@ledger/event-store/aws` by composition roots only. The port
 * entry (`@ledger/event-store`) holds no AWS SDK import.
 */
export * from './infrastructure/tables';
export * from './infrastructure/dynamodb-event-store';
export {
  MAX_APPEND_BYTES,
  MAX_EVENTS_PER_APPEND,
  MAX_EVENT_BYTES,
} from './infrastructure/append-rules';
export { isStoreUnavailable, translateStoreError } from './infrastructure/dynamodb-errors';
export { fromEventItem, toEventItem } from './infrastructure/event-item.mapper';
export { itemSizeBytes } from './infrastructure/item-size';
export { createDynamoDbClient, dynamoDbClientConfig } from './infrastructure/dynamodb-client';
export * from './infrastructure/ledger-storage';
export { documentClientFor } from './infrastructure/document-client';
export { BATCH_GET_KEYS, batchGetInOrder } from './infrastructure/batch-get';
export * from './stream-record';
export * from './infrastructure/close-ledger-storage';
export * from './infrastructure/dynamodb-op-log';
