import { LedgerError } from '@ledger/errors';
import type { PaymentState } from '@ledger/ledger';

/** When nothing says how long the gateway stays out of reach: the breaker's default half-open wait. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * The gateway could not be asked (the tenant's breaker is open, or its bulkhead full), so the
 * payment stays as the ledger last recorded it; the answer carries that state and when to retry.
 */
export class GatewayUnavailableError extends LedgerError {
  readonly code = 'gateway_unavailable';
  readonly status = 503;
  override readonly retryAfterSeconds: number;

  constructor(
    readonly paymentId: string,
    private readonly payment: { state: PaymentState; version: number },
    reason: string,
    retryAfterMs?: number,
  ) {
    super(
      `The payment gateway cannot be asked right now (${reason}); the payment is shown as last recorded`,
    );
    this.retryAfterSeconds =
      retryAfterMs === undefined
        ? DEFAULT_RETRY_AFTER_SECONDS
        : Math.max(1, Math.ceil(retryAfterMs / 1000));
  }

  /** The payment as the ledger last recorded it. */
  override details(): Record<string, unknown> {
    const { state, version } = this.payment;
    return {
      payment: {
        paymentId: this.paymentId,
        status: state.status,
        amount: state.amount,
        ...(state.currency !== undefined && { currency: state.currency }),
        ...(state.updatedAt !== undefined && { updatedAt: state.updatedAt }),
        version,
      },
    };
  }
}
