import { StoreUnavailableError } from '@ledger/errors';

const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** True for an error that means "the store cannot be reached right now", not "you asked wrong". */
export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const status = metadata?.httpStatusCode;
  return (
    UNAVAILABLE_NAMES.has(error.name) ||
    (code !== undefined && UNAVAILABLE_CODES.has(code)) ||
    (status !== undefined && status >= 500) ||
    // The SDK ran the request but never got an HTTP answer: the store did not respond at all.
    (metadata !== undefined && status === undefined) ||
    (error.cause !== undefined && isStoreUnavailable(error.cause))
  );
}

/** Rethrows an SDK error as StoreUnavailableError when the store is unreachable, as is otherwise. */
export function translateStoreError(error: unknown): never {
  if (isStoreUnavailable(error) && !(error instanceof StoreUnavailableError)) {
    throw new StoreUnavailableError('The event store is unreachable', { cause: error });
  }
  throw error;
}
