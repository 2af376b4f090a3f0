export * from './test-ledger';
