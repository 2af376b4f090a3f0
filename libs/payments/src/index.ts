export * from './request-idempotency/request-idempotency.port';
export * from './request-idempotency/request-idempotency.errors';
export * from './infrastructure/dynamodb-request-idempotency';
export * from './payment-commands/payment-commands.service';
export * from './sweep-payments/payment-sweeper';
