import { LedgerError } from '@ledger/errors';

/** Another writer appended to the stream first; reload it and decide again. */
export class ConcurrencyConflictError extends LedgerError {
  readonly code = 'concurrency_conflict';
  readonly status = 409;

  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Stream ${streamId} is at version ${actualVersion}, not the expected ${expectedVersion}`,
      options,
    );
  }

  override details(): Record<string, unknown> {
    return { expectedVersion: this.expectedVersion, actualVersion: this.actualVersion };
  }
}

/**
 * An idempotency key was used again with a different payload: the one class behind the code
 * `idempotency_key_reused`, raised by the store's append markers and by the API's request
 * idempotency (libs/payments) alike.
 */
export class IdempotencyKeyReusedError extends LedgerError {
  readonly code = 'idempotency_key_reused';
  readonly status = 422;

  constructor(
    readonly idempotencyKey: string,
    message = 'This idempotency key was already used with a different payload',
  ) {
    super(message);
  }
}

/** An event (or a whole append) exceeds what the store accepts; nothing was written. */
export class EventTooLargeError extends LedgerError {
  readonly code = 'event_too_large';
  readonly status = 413;

  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
    what = 'event',
  ) {
    super(`The ${what} is ${sizeBytes} bytes; the limit is ${limitBytes} bytes`);
  }

  override details(): Record<string, unknown> {
    return { sizeBytes: this.sizeBytes, limitBytes: this.limitBytes };
  }
}

/**
 * An upcaster threw on a stored event's data: the event cannot be read in its current shape.
 * The upcaster's own error is the `cause`.
 */
export class UpcastFailedError extends LedgerError {
  readonly code = 'upcast_failed';
  readonly status = 500;
}

/** A malformed append (no events, too many, bad version): a programming error upstream. */
export class InvalidAppendError extends LedgerError {
  readonly code = 'invalid_append';
  readonly status = 400;
}
