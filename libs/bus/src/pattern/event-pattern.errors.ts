import { LedgerError } from '@ledger/errors';

/** A pattern EventBridge itself would refuse (PutRule / TestEventPattern: InvalidEventPatternException). */
export class InvalidEventPatternError extends LedgerError {
  readonly code = 'invalid_event_pattern';
  readonly status = 400;

  constructor(readonly reason: string) {
    // Same wording as EventBridge, so callers of our TestEventPattern see a familiar message.
    super(`Event pattern is not valid. Reason: ${reason}`);
  }

  override details(): Record<string, unknown> {
    return { reason: this.reason };
  }
}
