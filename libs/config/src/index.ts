export * from './config.errors';
export * from './ledger-env';
export * from './ledger-config';
export * from './repo-root';
export * from './lambda-config';
export * from './parameter-source.port';
export * from './provider-interpretations';
