export * from './ledger-env';
