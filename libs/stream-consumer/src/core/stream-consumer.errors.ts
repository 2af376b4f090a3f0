import { LedgerError } from '@ledger/errors';

/** The events table has no DynamoDB stream, so there is nothing to consume (a deployment fault). */
export class StreamNotEnabledError extends LedgerError {
  readonly code = 'stream_not_enabled';
  readonly status = 500;

  constructor(readonly table: string) {
    super(`Table ${table} has no stream enabled`);
  }
}

/**
 * A record failed its handler and could not be parked either: the consumer stops at its last
 * checkpoint and reads the record again, rather than skipping it.
 */
export class RecordNotParkedError extends LedgerError {
  readonly code = 'record_not_parked';
  readonly status = 503;

  constructor(readonly consumer: string) {
    super(`consumer ${consumer} could neither handle nor park a record`);
  }
}
