/**
 * The configuration lib's AWS adapter: where a deployed configuration and its secrets are read
 * from. Imported as `@ledger/config/aws` by the Lambda composition roots only.
 */
export * from './infrastructure/powertools-parameter-source';
