export * from './consumers';
export * from './local-stream-processor';
