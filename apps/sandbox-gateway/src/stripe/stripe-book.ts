import { newId } from '../ids';
import { StripeApiError, stripeInvalidRequest, stripeNoSuch } from './stripe-api.error';
import type { StripeCardOutcome } from './stripe-test-cards';

/** A PaymentIntent's statuses the sandbox reaches (no 3-D Secure, no manual capture). */
export type PaymentIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'succeeded';

/** A PaymentIntent as the sandbox keeps it. */
export interface PaymentIntent {
  id: string;
  amount: number;
  currency: string;
  status: PaymentIntentStatus;
  metadata: Record<string, string>;
  description?: string;
  paymentMethod?: string;
  latestCharge?: string;
  lastPaymentError?: { code: string; declineCode: string; message: string; charge: string };
  amountRefunded: number;
  /** Unix seconds. */
  created: number;
}

/** A Stripe Refund as the sandbox keeps it; every refund succeeds at once. */
export interface StripeRefund {
  id: string;
  amount: number;
  currency: string;
  charge: string;
  paymentIntent: string;
  metadata: Record<string, string>;
  reason?: string;
  created: number;
}

/** What a PaymentIntent is created with (already validated). */
export interface PaymentIntentInput {
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  description?: string;
  paymentMethod?: string;
}

/**
 * The Stripe-mode objects of one sandbox account, in memory: PaymentIntents (each charge lives on
 * as its intent's `latestCharge`) and Refunds.
 *
 * @debt Nothing is ever evicted; a sandbox lives for one dev session or test run.
 */
export class StripeBook {
  private readonly intents = new Map<string, PaymentIntent>();
  private readonly refunds = new Map<string, StripeRefund>();

  create(input: PaymentIntentInput, now: Date): PaymentIntent {
    const intent: PaymentIntent = {
      id: newId('pi'),
      amount: input.amount,
      currency: input.currency,
      status:
        input.paymentMethod === undefined ? 'requires_payment_method' : 'requires_confirmation',
      metadata: input.metadata,
      ...(input.description !== undefined && { description: input.description }),
      ...(input.paymentMethod !== undefined && { paymentMethod: input.paymentMethod }),
      amountRefunded: 0,
      created: Math.floor(now.getTime() / 1000),
    };
    this.intents.set(intent.id, intent);
    return intent;
  }

  find(id: string): PaymentIntent | undefined {
    return this.intents.get(id);
  }

  /** Every intent whose metadata holds all of `metadata` (and `status`, if given), newest first. */
  search(metadata: Record<string, string>, status?: string): PaymentIntent[] {
    return [...this.intents.values()]
      .filter(
        (intent) =>
          Object.entries(metadata).every(([key, value]) => intent.metadata[key] === value) &&
          (status === undefined || intent.status === status),
      )
      .reverse();
  }

  /**
   * Confirms an intent with the outcome its payment method and amount decided: a charge is made
   * either way, and a decline leaves the intent waiting for another payment method, as at Stripe.
   */
  confirm(intent: PaymentIntent, outcome: StripeCardOutcome): PaymentIntent {
    if (intent.status === 'succeeded') {
      throw stripeInvalidRequest(
        'payment_intent_unexpected_state',
        'You cannot confirm this PaymentIntent because it has already succeeded.',
      );
    }
    if (intent.paymentMethod === undefined) {
      throw stripeInvalidRequest(
        'payment_intent_unexpected_state',
        "You cannot confirm this PaymentIntent because it's missing a payment method.",
        'payment_method',
      );
    }
    const charge = newId('ch');
    intent.latestCharge = charge;
    if (outcome.status === 'succeeded') {
      intent.status = 'succeeded';
      delete intent.lastPaymentError;
    } else {
      intent.status = 'requires_payment_method';
      intent.lastPaymentError = {
        code: outcome.code,
        declineCode: outcome.declineCode,
        message: outcome.message,
        charge,
      };
    }
    return intent;
  }

  /** Refunds (part of) a succeeded intent; 400 as Stripe answers past what is left of it. */
  refund(
    intent: PaymentIntent,
    input: { amount?: number; metadata: Record<string, string>; reason?: string },
    now: Date,
  ): StripeRefund {
    if (intent.status !== 'succeeded' || intent.latestCharge === undefined) {
      throw stripeInvalidRequest(
        'charge_not_refundable',
        `PaymentIntent ${intent.id} has no successful charge to refund.`,
        'payment_intent',
      );
    }
    const left = intent.amount - intent.amountRefunded;
    if (left === 0) {
      throw stripeInvalidRequest(
        'charge_already_refunded',
        `Charge ${intent.latestCharge} has already been refunded.`,
      );
    }
    const amount = input.amount ?? left;
    if (amount > left) {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        'amount_too_large',
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        { param: 'amount' },
      );
    }
    intent.amountRefunded += amount;
    const refund: StripeRefund = {
      id: newId('re'),
      amount,
      currency: intent.currency,
      charge: intent.latestCharge,
      paymentIntent: intent.id,
      metadata: input.metadata,
      ...(input.reason !== undefined && { reason: input.reason }),
      created: Math.floor(now.getTime() / 1000),
    };
    this.refunds.set(refund.id, refund);
    return refund;
  }

  findRefund(id: string): StripeRefund {
    const refund = this.refunds.get(id);
    if (refund === undefined) throw stripeNoSuch('refund', id);
    return refund;
  }

  clear(): void {
    this.intents.clear();
    this.refunds.clear();
  }
}
