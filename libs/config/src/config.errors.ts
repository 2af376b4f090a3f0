import { LedgerError } from '@ledger/errors';

/** The configuration file is missing, unreadable or invalid; the message lists every problem. */
export class ConfigError extends LedgerError {
  readonly code: string = 'config_invalid';
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

/**
 * A Lambda function was given a configuration made for local runs: the committed example (its
 * `environment: development` marker or its published keys and secrets), or a tenant whose gateway
 * is the local sandbox (`baseUrl: null`), which does not exist in AWS.
 */
export class DevelopmentConfigInLambdaError extends ConfigError {
  override readonly code: string = 'development_config_in_lambda';
}
