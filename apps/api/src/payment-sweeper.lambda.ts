import { loadLedgerConfig, readLedgerEnv } from '@ledger/config';
import { openLedgerStorage } from '@ledger/ledger';
import { createLogger } from '@ledger/observability';
import type { PaymentSweeper, SweepResult } from '@ledger/payments';
import { createGateway } from './compose-api';
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
    createGateway(config, env),
  );
}

/** EventBridge Scheduler / schedule rule entry point: one bounded sweep per invocation. */
export const handler = async (): Promise<SweepResult> => {
  sweeper ??= compose();
  return sweeper.sweep();
};
