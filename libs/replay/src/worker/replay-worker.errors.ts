import { LedgerError } from '@ledger/errors';

/** The replay worker could not be handed a job; the caller may try again shortly. */
export class ReplayWorkerUnavailableError extends LedgerError {
  readonly code = 'replay_worker_unavailable';
  readonly status = 503;
  override readonly retryAfterSeconds = 5;
}
