export * from './pattern';
export * from './envelope/bus-envelope';
export * from './rules/template-rules';
export * from './rules/ledger-rules';
export * from './dead-letters/dead-letters.port';
