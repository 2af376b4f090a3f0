export * from './ledger-error';
export * from './describe-failure';
