export * from './decider/decider';
export * from './payment/payment.commands';
export * from './payment/payment.events';
export * from './payment/payment.state';
export * from './payment/payment.errors';
export * from './payment/payment.decider';
export * from './payment/payment.stream-id';
