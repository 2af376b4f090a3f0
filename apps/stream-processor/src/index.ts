export * from './composition/consumer-context';
export * from './consumers';
export * from './local-stream-processor';
