import { loadLedgerConfig, readLedgerEnv } from '@ledger/config';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import type { PaymentSweeper, SweepResult } from '@ledger/payments';
import { createGateways } from './compose-api';
import { composePaymentSweeper } from './compose-sweeper';

let sweeper: PaymentSweeper | undefined;

function compose(): PaymentSweeper {
  const env = readLedgerEnv();
  const storage = openLedgerStorage({
    endpoint: env.dynamoDbEndpoint,
    tablePrefix: env.tablePrefix,
  });
  const config = loadLedgerConfig(env.configPath);
  return composePaymentSweeper(
    config,
    storage,
    createLogger(env.logLevel),
    createGateways(config, env),
  );
}

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
  sweeper ??= compose();
  return sweeper.sweep(Math.max(0, context.getRemainingTimeInMillis() - RESERVE_MS));
};
