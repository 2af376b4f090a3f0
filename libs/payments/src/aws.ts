/**
 * The payments lib's AWS adapters: imported as `@ledger/payments/aws` by composition roots only. The port
 * entry (`@ledger/payments`) holds no AWS SDK import.
 */
export * from './infrastructure/dynamodb-request-idempotency';
export * from './infrastructure/payments.adapters';
