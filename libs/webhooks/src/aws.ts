/**
 * The webhooks lib's AWS adapters: imported as `@ledger/webhooks/aws` by composition roots only. The port
 * entry (`@ledger/webhooks`) holds no AWS SDK import.
 */
export * from './infrastructure/dynamodb-delivery-stats';
export * from './infrastructure/dynamodb-correlation-index';
export * from './infrastructure/webhooks.adapters';
