import { UsageError } from '@ledger/errors';

/** An ISO-8601 instant from a CLI option, normalised, or a clear error naming the option. */
export function parseIsoOption(option: string, value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new UsageError(`${option} must be an ISO-8601 time, got "${value}"`);
  return new Date(time).toISOString();
}
