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

/**
 * An event that names a subscribed detail-type and contract version but does not keep that
 * contract. Thrown, so it is retried and in the end dead-lettered, never stored half-read.
 */
export class MalformedIntegrationEventError extends LedgerError {
  readonly code = 'malformed_integration_event';
  readonly status = 422;

  constructor(
    readonly detailType: string,
    readonly envelopeId: string,
    readonly problems: readonly string[],
  ) {
    super(`${detailType} event ${envelopeId} breaks its contract: ${problems.join('; ')}`);
  }
}
