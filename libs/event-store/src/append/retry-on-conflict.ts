import { ExponentialBackoff, handleType, retry } from 'cockatiel';
import { ConcurrencyConflictError } from '../errors';

export interface RetryOnConflictOptions {
  /** Total attempts including the first (default 5). */
  maxAttempts?: number;
}

/**
 * Runs a whole load-decide-append command again when its append lost a race, a bounded number of
 * times with jittered backoff. The command must reload the stream on every attempt.
 */
export async function retryOnConflict<T>(
  command: () => Promise<T>,
  options: RetryOnConflictOptions = {},
): Promise<T> {
  const policy = retry(handleType(ConcurrencyConflictError), {
    maxAttempts: (options.maxAttempts ?? 5) - 1,
    backoff: new ExponentialBackoff({ initialDelay: 10, maxDelay: 500 }),
  });
  return policy.execute(() => command());
}
