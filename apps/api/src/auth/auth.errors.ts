import { LedgerError } from '@ledger/errors';

/** No usable `Authorization: Bearer <api key>`. */
export class UnauthorizedError extends LedgerError {
  readonly code = 'unauthorized';
  readonly status = 401;

  constructor() {
    super('A valid API key is required: Authorization: Bearer <api key>');
  }
}
