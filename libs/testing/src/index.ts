export * from './test-ledger';
export * from './wait-until';
