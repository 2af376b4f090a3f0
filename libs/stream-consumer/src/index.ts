export * from './core/stream-consumer';
export * from './core/stream-consumer.errors';
export * from './core/parking-lot.port';
export * from './core/checkpoint-store.port';
export * from './core/batch-processor';
export * from './core/redrive';
