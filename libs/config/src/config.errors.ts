import { LedgerError } from '@ledger/errors';

/** The configuration file is missing, unreadable or invalid; the message lists every problem. */
export class ConfigError extends LedgerError {
  readonly code = 'config_invalid';
  // A deployment fault, never the caller's: should one surface in an answer, it is a 500.
  readonly status = 500;

  constructor(
    message: string,
    readonly problems: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(problems.length > 0 ? `${message}:\n  - ${problems.join('\n  - ')}` : message, options);
  }
}
