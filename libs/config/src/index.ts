export * from './ledger-env';
export * from './ledger-config';
