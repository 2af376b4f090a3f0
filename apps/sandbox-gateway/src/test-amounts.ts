/** Why a card was declined, as the sandbox reports it in `declineCode` and webhook `reason`. */
export type DeclineCode = 'card_declined' | 'insufficient_funds';

/** The outcome of a charge, decided by its amount like a real gateway's test cards. */
export type ChargeOutcome =
  { status: 'succeeded' } | { status: 'declined'; declineCode: DeclineCode };

/**
 * Documented in the README: minor units ending in 02 decline with `card_declined`, ending in 51
 * with `insufficient_funds`; any other amount succeeds.
 */
export function outcomeForAmount(amount: number): ChargeOutcome {
  switch (amount % 100) {
    case 2:
      return { status: 'declined', declineCode: 'card_declined' };
    case 51:
      return { status: 'declined', declineCode: 'insufficient_funds' };
    default:
      return { status: 'succeeded' };
  }
}
