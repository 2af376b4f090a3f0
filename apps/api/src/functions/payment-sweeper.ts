import type { PaymentSweeper, SweepResult } from '@ledger/payments';
import { composePaymentSweeperLambda } from '../composition/payment-sweeper.root';

let sweeper: PaymentSweeper | undefined;

/** Left of the function's timeout for the payment in progress (a gateway call's deadline is 8 s). */
const RESERVE_MS = 20_000;

/**
 * EventBridge Scheduler entry point: one bounded sweep per invocation, starting no payment in the
 * last 20 s of the function's time; what is left waits for the next run.
 */
export const handler = async (
  _event: unknown,
  context: { getRemainingTimeInMillis(): number },
): Promise<SweepResult> => {
  sweeper ??= (await composePaymentSweeperLambda()).sweeper;
  return sweeper.sweep(Math.max(0, context.getRemainingTimeInMillis() - RESERVE_MS));
};
