export * from './api-dependencies';
export * from './composition/api-dependencies.factory';
export * from './composition/api-server.root';
export * from './composition/payment-sweeper.root';
export * from './composition/replay-worker.root';
export * from './create-api-app';
export * from './http/problem-details';
export * from './payment-sweeper.timer';
