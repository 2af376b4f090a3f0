import type { ChargeJournal } from './charge-journal';
import { GatewayApiError } from './gateway-api.error';
import type { ChargeRequest, RefundRequest } from './gateway-requests';
import { newId } from './ids';
import type { ChargeOutcome, DeclineCode } from './test-amounts';

/** A charge as the sandbox keeps it. */
export interface Charge {
  id: string;
  status: 'succeeded' | 'declined';
  amount: number;
  currency: string;
  paymentId: string;
  orderId?: string;
  customerId?: string;
  description?: string;
  declineCode?: DeclineCode;
  amountRefunded: number;
  createdAt: string;
}

/** A refund as the sandbox keeps it. */
export interface Refund {
  id: string;
  status: 'succeeded';
  amount: number;
  currency: string;
  chargeId: string;
  refundId: string;
  paymentId: string;
  createdAt: string;
}

/**
 * Every charge of one sandbox account, in memory; a refund lives on as its charge's
 * `amountRefunded`. With a journal, every change is also written to it, and the book starts from
 * what it holds, so a restarted sandbox still knows its charges.
 *
 * @debt Nothing is ever evicted; a sandbox lives for one dev session or test run.
 */
export class ChargeBook {
  private readonly charges = new Map<string, Charge>();

  constructor(private readonly journal?: ChargeJournal) {
    for (const entry of journal?.load() ?? []) {
      if ('charge' in entry) this.charges.set(entry.charge.id, entry.charge);
      else {
        const charge = this.charges.get(entry.refund.chargeId);
        if (charge !== undefined) charge.amountRefunded += entry.refund.amount;
      }
    }
  }

  /** Records a charge with the outcome its amount decided. */
  createCharge(request: ChargeRequest, outcome: ChargeOutcome, now: Date): Charge {
    const charge: Charge = {
      id: newId('ch'),
      status: outcome.status,
      amount: request.amount,
      currency: request.currency,
      paymentId: request.paymentId,
      ...(request.orderId !== undefined && { orderId: request.orderId }),
      ...(request.customerId !== undefined && { customerId: request.customerId }),
      ...(request.description !== undefined && { description: request.description }),
      ...(outcome.status === 'declined' && { declineCode: outcome.declineCode }),
      amountRefunded: 0,
      createdAt: now.toISOString(),
    };
    this.journal?.append({ charge });
    this.charges.set(charge.id, charge);
    return charge;
  }

  find(chargeId: string): Charge | undefined {
    return this.charges.get(chargeId);
  }

  /** The charges of one payment, newest first, as reconciliation reads them. */
  forPayment(paymentId: string): Charge[] {
    return [...this.charges.values()].filter((charge) => charge.paymentId === paymentId).reverse();
  }

  /** Refunds part of a charge; 409 `refund_exceeds_balance` past what is left of it. */
  refund(charge: Charge, request: RefundRequest, now: Date): Refund {
    // A declined charge moved no money, so nothing of it can be refunded.
    const balance = charge.status === 'succeeded' ? charge.amount - charge.amountRefunded : 0;
    if (request.amount > balance) {
      throw new GatewayApiError(
        409,
        'refund_exceeds_balance',
        `Refund of ${request.amount} exceeds the ${balance} ${charge.currency} left on ${charge.id}`,
      );
    }
    this.journal?.append({ refund: { chargeId: charge.id, amount: request.amount } });
    charge.amountRefunded += request.amount;
    return {
      id: newId('re'),
      status: 'succeeded',
      amount: request.amount,
      currency: charge.currency,
      chargeId: charge.id,
      refundId: request.refundId,
      paymentId: charge.paymentId,
      createdAt: now.toISOString(),
    };
  }

  clear(): void {
    this.journal?.clear();
    this.charges.clear();
  }
}

/** The wire form of a charge: the create response and one entry of a charge list. */
export function chargeView(charge: Charge): Record<string, unknown> {
  return {
    id: charge.id,
    status: charge.status,
    amount: charge.amount,
    currency: charge.currency,
    paymentId: charge.paymentId,
    ...(charge.orderId !== undefined && { orderId: charge.orderId }),
    ...(charge.declineCode !== undefined && { declineCode: charge.declineCode }),
    createdAt: charge.createdAt,
  };
}
