export * from '../infrastructure/in-memory-replay-jobs';
export * from './replay-jobs.contract';
