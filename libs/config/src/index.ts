export * from './config.errors';
export * from './ledger-env';
export * from './ledger-config';
export * from './repo-root';
