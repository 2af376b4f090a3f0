import { IdempotencyKeyInvalidError, IdempotencyKeyMissingError } from '@ledger/payments';

const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The Idempotency-Key header of a command: required, 1 to 255 printable ASCII characters (no
 * spaces or control characters). An absent key is `idempotency_key_missing`; one outside the
 * grammar (too long, repeated, control or non-ASCII characters) is `idempotency_key_invalid`.
 */
export function requireIdempotencyKey(header: string | string[] | undefined): string {
  if (header === undefined) throw new IdempotencyKeyMissingError();
  const key = Array.isArray(header) ? undefined : header.trim();
  if (key === '') throw new IdempotencyKeyMissingError();
  if (key === undefined || !VALID_KEY.test(key)) throw new IdempotencyKeyInvalidError();
  return key;
}
