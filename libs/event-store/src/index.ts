export * from './event';
export * from './errors';
export * from './event-store.port';
export * from './global-event-log.port';
export * from './stream-record';
export * from './upcasting/upcaster';
export * from './append/retry-on-conflict';
export * from './append/handle-command';
export * from './time-index/time-index';
export { mergeSorted } from './time-index/merge';
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
