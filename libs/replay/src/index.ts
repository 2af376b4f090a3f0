export * from './jobs/replay-job';
export * from './infrastructure/dynamodb-replay-jobs';
export * from './rebuild/verify-read-model';
export * from './rebuild/rebuild.runner';
export * from './jobs/progress';
