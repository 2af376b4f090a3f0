/**
 * The configuration lib's in-memory twin of its parameter source, for unit specs. Imported as
 * `@ledger/config/in-memory`.
 */
export * from './infrastructure/in-memory-parameter-source';
