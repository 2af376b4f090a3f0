import { LedgerError, NotFoundError } from '@ledger/errors';

/** The stream already holds a payment; a payment is requested once. */
export class PaymentAlreadyExistsError extends LedgerError {
  readonly code = 'payment_already_exists';
  readonly status = 409;

  constructor(readonly paymentId: string) {
    super(`Payment ${paymentId} already exists`);
  }

  override details(): Record<string, unknown> {
    return { paymentId: this.paymentId };
  }
}

/** The payment stream is empty (or belongs to another tenant, which looks the same). */
export class PaymentNotFoundError extends NotFoundError {
  constructor(readonly paymentId?: string) {
    super(
      paymentId === undefined ? 'Payment not found' : `Payment ${paymentId} not found`,
      'payment_not_found',
    );
  }
}

/** Only a captured payment (`succeeded` or `partially_refunded`) can be refunded. */
export class PaymentNotRefundableError extends LedgerError {
  readonly code = 'payment_not_refundable';
  readonly status = 409;

  constructor(readonly paymentStatus: string | undefined) {
    super(`A payment in status ${paymentStatus ?? 'none'} cannot be refunded`);
  }

  override details(): Record<string, unknown> {
    return this.paymentStatus === undefined ? {} : { paymentStatus: this.paymentStatus };
  }
}

/** The refund asks for more than is left: captured minus refunded minus pending refunds. */
export class RefundExceedsBalanceError extends LedgerError {
  readonly code = 'refund_exceeds_balance';
  readonly status = 409;

  constructor(
    readonly requested: number,
    readonly refundable: number,
  ) {
    super(`A refund of ${requested} exceeds the refundable balance of ${refundable}`);
  }

  override details(): Record<string, unknown> {
    return { requested: this.requested, refundable: this.refundable };
  }
}

/** A refund with this id was already requested on the payment. */
export class RefundAlreadyExistsError extends LedgerError {
  readonly code = 'refund_already_exists';
  readonly status = 409;

  constructor(readonly refundId: string) {
    super(`Refund ${refundId} already exists`);
  }

  override details(): Record<string, unknown> {
    return { refundId: this.refundId };
  }
}

/** The payment has no refund with this id. */
export class RefundNotFoundError extends NotFoundError {
  constructor(readonly refundId: string) {
    super(`Refund ${refundId} not found`, 'refund_not_found');
  }
}
