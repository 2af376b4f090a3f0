import { IdempotencyKeyMissingError } from '@ledger/payments';

const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key header of a command: required, 1 to 255 printable ASCII characters. */
export function requireIdempotencyKey(header: string | string[] | undefined): string {
  const key = Array.isArray(header) ? undefined : header?.trim();
  if (key === undefined || !VALID_KEY.test(key)) throw new IdempotencyKeyMissingError();
  return key;
}
