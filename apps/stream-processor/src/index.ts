export * from './composition/consumer-context';
export * from './composition/consumer-lambda.root';
export * from './composition/local-stream-processor.root';
export * from './consumers';
export * from './local-stream-processor';
export * from './composition/charger.root';
export * from './supervised/stream-processor.protocol';
