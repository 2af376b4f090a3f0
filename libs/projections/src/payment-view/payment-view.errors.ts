import { LedgerError } from '@ledger/errors';

/**
 * A payment's read-model document changed under every conditional write of a fold: other
 * writers keep winning. Retryable: the stream record is delivered again and folded afresh.
 */
export class ReadModelContentionError extends LedgerError {
  readonly code = 'read_model_contention';
  readonly status = 503;

  constructor(
    readonly streamId: string,
    message = `The read model of ${streamId} kept moving; giving up for a retry`,
  ) {
    super(message);
  }
}

/**
 * Folding a stream record needs the versions before it, and the store returned a stream with a
 * hole. Retryable: a later read of the stream is expected to hold every version.
 */
export class StreamGapError extends LedgerError {
  readonly code = 'stream_gap';
  readonly status = 503;

  constructor(
    readonly streamId: string,
    readonly missingVersion: number,
  ) {
    super(`Stream ${streamId} is missing version ${missingVersion} in the store`);
  }
}
