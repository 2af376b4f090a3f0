import { LedgerError } from '@ledger/errors';

/**
 * An integration event of a contract version this subscriber does not understand. Thrown, so the
 * event is retried (and in the end dead-lettered), never misread.
 */
export class UnsupportedContractVersionError extends LedgerError {
  readonly code = 'unsupported_contract_version';
  readonly status = 422;

  constructor(
    readonly detailType: string,
    readonly schemaVersion: unknown,
  ) {
    super(`unsupported ${detailType} schemaVersion ${String(schemaVersion)}`);
  }
}
