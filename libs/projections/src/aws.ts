/**
 * The projections lib's AWS adapters: imported as `@ledger/projections/aws` by composition roots only. The port
 * entry (`@ledger/projections`) holds no AWS SDK import.
 */
export * from './infrastructure/dynamodb-payment-documents';
export * from './infrastructure/dynamodb-read-model-generations';
export * from './infrastructure/live-documents.factory';
export * from './infrastructure/projections.adapters';
