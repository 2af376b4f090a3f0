export * from './composition/consumer-context';
export * from './composition/consumer-lambda.root';
export * from './consumers';
export * from './local-stream-processor';
export * from './composition/charger.root';
