/**
 * The bus lib's AWS adapters: imported as `@ledger/bus/aws` by composition roots only. The port
 * entry (`@ledger/bus`) holds no AWS SDK import.
 */
export * from './infrastructure/dynamodb-dead-letters';
export * from './infrastructure/event-bridge-client';
export * from './infrastructure/sqs-dead-letters';
export * from './infrastructure/dead-letters.factory';
export * from './infrastructure/publisher/put-events.batcher';
export * from './infrastructure/publisher/publisher.consumer';
export * from './infrastructure/publisher/redrive-dead-letters';
export * from './infrastructure/bus.adapters';
