/**
 * The replay lib's AWS adapters: imported as `@ledger/replay/aws` by composition roots only. The port
 * entry (`@ledger/replay`) holds no AWS SDK import.
 */
export * from './infrastructure/dynamodb-replay-jobs';
export * from './infrastructure/republish/lambda.delivery';
export * from './infrastructure/worker/replay-worker.dispatcher';
export * from './infrastructure/replay.adapters';
