import { outcomeForAmount } from '../test-amounts';

/** How a confirmation ends: captured, or declined with Stripe's `code` and `decline_code`. */
export type StripeCardOutcome =
  | { status: 'succeeded' }
  | { status: 'declined'; code: string; declineCode: string; message: string };

/**
 * Stripe's test PaymentMethods the sandbox knows, with the outcome each one gives (documented in
 * the sandbox's README). Any other `pm_` id is refused as missing, as Stripe does.
 */
const TEST_PAYMENT_METHODS: Readonly<Record<string, StripeCardOutcome>> = {
  pm_card_visa: { status: 'succeeded' },
  pm_card_mastercard: { status: 'succeeded' },
  pm_card_chargeDeclined: declined('card_declined', 'generic_decline', 'Your card was declined.'),
  pm_card_chargeDeclinedInsufficientFunds: declined(
    'card_declined',
    'insufficient_funds',
    'Your card has insufficient funds.',
  ),
  pm_card_chargeDeclinedExpiredCard: declined(
    'expired_card',
    'expired_card',
    'Your card has expired.',
  ),
};

function declined(code: string, declineCode: string, message: string): StripeCardOutcome {
  return { status: 'declined', code, declineCode, message };
}

/** Whether the sandbox knows a test PaymentMethod of this id. */
export function isTestPaymentMethod(id: string): boolean {
  return Object.hasOwn(TEST_PAYMENT_METHODS, id);
}

/**
 * The outcome of confirming `amount` with `paymentMethod`: a declining PaymentMethod declines;
 * otherwise the sandbox's test amounts decide (minor units ending in 02 decline generically,
 * ending in 51 for insufficient funds), so the ledger's README examples work against either mode.
 */
export function stripeOutcomeFor(paymentMethod: string, amount: number): StripeCardOutcome {
  const byMethod = TEST_PAYMENT_METHODS[paymentMethod];
  if (byMethod !== undefined && byMethod.status === 'declined') return byMethod;
  const byAmount = outcomeForAmount(amount);
  if (byAmount.status === 'succeeded') return { status: 'succeeded' };
  return byAmount.declineCode === 'insufficient_funds'
    ? declined('card_declined', 'insufficient_funds', 'Your card has insufficient funds.')
    : declined('card_declined', 'generic_decline', 'Your card was declined.');
}
