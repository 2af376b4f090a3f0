/**
 * The root of every error the ledger raises on purpose. Each subclass has a stable `code`
 * (part of the HTTP contract), a default HTTP status and, when it wraps another failure, that
 * failure as `cause`; the API's one exception filter maps them to RFC 9457 problem details.
 * Anything thrown that is not a LedgerError is a bug: the API answers it with a bare 500 and
 * logs it, the CLI prints its stack.
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

  /** Extra HTTP headers of the answer (`Allow` on a 405...); `Retry-After` comes from above. */
  responseHeaders(): Record<string, string> {
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

/**
 * The command line was used wrongly (a missing or malformed option, an id that names nothing):
 * the CLI prints its message on one line, where a bug would print its stack.
 */
export class UsageError extends LedgerError {
  readonly code = 'usage_error';
  readonly status = 400;
}
