import { LedgerError } from '@ledger/errors';

/** No provider of this name is configured. */
export class UnknownProviderError extends LedgerError {
  readonly code = 'unknown_provider';
  readonly status = 404;

  constructor(readonly provider: string) {
    super(`No webhook provider is configured under this name`);
  }
}

/** The signature verified but the body is not a JSON object. */
export class MalformedPayloadError extends LedgerError {
  readonly code = 'malformed_payload';
  readonly status = 400;
}
