export * from './engine.errors';
export * from './ports';
export * from './dynamodb-local';
export * from './tables.setup';
