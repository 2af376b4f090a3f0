/**
 * The root of every error the ledger raises on purpose. Each subclass has a stable `code`
 * (part of the HTTP contract) and a default HTTP status; the API's one exception filter maps
 * them to RFC 9457 problem details.
 */
export abstract class LedgerError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** For 503s: how long the caller should wait before retrying (the Retry-After header). */
  readonly retryAfterSeconds?: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Extra members added to the problem document (never secrets). */
  details(): Record<string, unknown> {
    return {};
  }
}

/** Input that fails validation before anything is written. */
export class ValidationFailedError extends LedgerError {
  readonly code = 'validation_failed';
  readonly status = 400;

  constructor(
    message: string,
    readonly errors: readonly string[] = [],
  ) {
    super(message);
  }

  override details(): Record<string, unknown> {
    return this.errors.length > 0 ? { errors: this.errors } : {};
  }
}

/** A resource that does not exist, or that belongs to another tenant. */
export class NotFoundError extends LedgerError {
  readonly code: string;
  readonly status = 404;

  constructor(message: string, code = 'not_found') {
    super(message);
    this.code = code;
  }
}

/** The storage engine cannot be reached; the caller should retry later. */
export class StoreUnavailableError extends LedgerError {
  readonly code = 'store_unavailable';
  readonly status = 503;
  override readonly retryAfterSeconds = 2;

  constructor(message = 'The event store is unreachable', options?: { cause?: unknown }) {
    super(message, options);
  }
}
