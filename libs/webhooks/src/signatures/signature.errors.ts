import { LedgerError } from '@ledger/errors';
import type { SchemeName } from './signature-scheme';

/**
 * No configured secret produced any of the presented signatures, or the signature material is
 * malformed (e.g. a non-numeric timestamp, a Stripe header without `t=`, a repeated header):
 * a header that is present but could not have come from a genuine sender is treated as forged.
 */
export class InvalidSignatureError extends LedgerError {
  readonly code = 'invalid_signature';
  readonly status = 401;

  constructor(
    readonly scheme: SchemeName,
    reason = 'No signature matched any configured secret',
  ) {
    super(`Invalid ${scheme} webhook signature: ${reason}`);
  }

  override details(): Record<string, unknown> {
    return { scheme: this.scheme };
  }
}

/** The signature is genuine but its timestamp is too old (a replay) or too far in the future. */
export class TimestampOutOfToleranceError extends LedgerError {
  readonly code = 'timestamp_out_of_tolerance';
  readonly status = 401;

  constructor(
    readonly scheme: SchemeName,
    readonly timestamp: Date,
    readonly toleranceSeconds: number,
  ) {
    super(
      `The ${scheme} webhook timestamp ${timestamp.toISOString()} is outside the ` +
        `${toleranceSeconds}s tolerance`,
    );
  }

  override details(): Record<string, unknown> {
    return {
      scheme: this.scheme,
      timestamp: this.timestamp.toISOString(),
      toleranceSeconds: this.toleranceSeconds,
    };
  }
}

/** A header the scheme requires is absent or empty. */
export class MissingSignatureHeadersError extends LedgerError {
  readonly code = 'missing_signature_headers';
  readonly status = 400;

  constructor(
    readonly scheme: SchemeName,
    readonly missing: readonly string[],
  ) {
    super(`Missing ${scheme} webhook header(s): ${missing.join(', ')}`);
  }

  override details(): Record<string, unknown> {
    return { scheme: this.scheme, missing: this.missing };
  }
}
