import type { BusEnvelope } from '@ledger/bus';
import { LedgerError } from '@ledger/errors';

/**
 * Hands one event to the target(s) of ONE rule. EventBridge `PutEvents` cannot do that (every
 * matching rule fires), so a replay aimed at one subscriber goes to the rule's target directly.
 */
export interface ReplayDelivery {
  /** Resolves once the rule's target handled `envelope`; rejects when it was not delivered. */
  deliver(ruleName: string, envelope: BusEnvelope): Promise<void>;
}

/** A replay delivery that did not reach, or was refused by, the rule's target. */
export class ReplayDeliveryError extends LedgerError {
  readonly code = 'replay_delivery_failed';
  readonly status = 502;

  constructor(
    message: string,
    /** The HTTP status the bus answered, when it answered. */
    readonly busStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
