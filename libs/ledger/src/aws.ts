/**
 * The ledger lib's AWS adapters: imported as `@ledger/ledger/aws` by composition roots only. The port
 * entry (`@ledger/ledger`) holds no AWS SDK import.
 */
export * from './infrastructure/ledger-storage';
