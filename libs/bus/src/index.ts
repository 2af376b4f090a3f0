export * from './pattern';
export * from './envelope/bus-envelope';
export * from './rules/bus-rule';
export * from './rules/ledger-rules';
export * from './dead-letters/dead-letters.port';
