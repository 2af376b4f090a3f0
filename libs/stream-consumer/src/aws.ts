/**
 * The stream-consumer lib's AWS adapters: imported as `@ledger/stream-consumer/aws` by composition roots only. The port
 * entry (`@ledger/stream-consumer`) holds no AWS SDK import.
 */
export * from './infrastructure/dynamodb-parking-lot';
export * from './infrastructure/dynamodb-checkpoint-store';
export * from './infrastructure/streams-client';
export * from './infrastructure/local-poller/stream-poller';
export * from './infrastructure/local-poller/shared-stream-tail';
export * from './infrastructure/lambda/lambda-stream-handler';
export * from './infrastructure/wanted-records';
export * from './infrastructure/stream-consumer.adapters';
export * from './infrastructure/redrive-failures/sqs-failure-queue';
export * from './infrastructure/redrive-failures/dynamodb-stream-range-reader';
export * from './infrastructure/redrive-failures/lambda-batch-runner';
export * from './infrastructure/redrive-failures/in-process-batch-runner';
