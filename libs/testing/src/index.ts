export * from './test-ledger';
export * from './wait-until';
export * from './write-meter';
export * from './cloudformation-template';
export * from './reachable';
export * from './operation-meter';
