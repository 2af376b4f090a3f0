import { LedgerError } from '@ledger/errors';

/** A command endpoint was called without its Idempotency-Key header. */
export class IdempotencyKeyMissingError extends LedgerError {
  readonly code = 'idempotency_key_missing';
  readonly status = 400;

  constructor() {
    super('This request needs an Idempotency-Key header (1 to 255 printable characters)');
  }
}

/** The Idempotency-Key header does not follow its grammar (1 to 255 printable ASCII characters). */
export class IdempotencyKeyInvalidError extends LedgerError {
  readonly code = 'idempotency_key_invalid';
  readonly status = 400;

  constructor() {
    super('The Idempotency-Key header must be 1 to 255 printable ASCII characters, without spaces');
  }
}

/** The first request with this key is still being processed. */
export class RequestInProgressError extends LedgerError {
  readonly code = 'request_in_progress';
  readonly status = 409;
  override readonly retryAfterSeconds = 1;

  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry shortly');
  }
}
