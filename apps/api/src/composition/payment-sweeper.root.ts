import {
  loadLambdaLedgerConfig,
  readLedgerEnv,
  type LedgerConfig,
  type LedgerEnv,
  type ParameterSource,
} from '@ledger/config';
import { PowertoolsParameterSource } from '@ledger/config/aws';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger, type Logger } from '@ledger/observability';
import type { TenantGateways } from '@ledger/outbound';
import { PaymentSweeper, PaymentWorkflow, ReconcilePaymentHandler } from '@ledger/payments';
import { paymentAdapters } from '@ledger/payments/aws';
import { projectionAdapters } from '@ledger/projections/aws';
import { createGateways } from './api-dependencies.factory';

export interface PaymentSweeperOptions {
  config: LedgerConfig;
  storage: LedgerStorage;
  logger: Logger;
  /** Its own client of each tenant's gateway account. */
  gateways: TenantGateways;
  clock?: () => Date;
}

/**
 * The payment sweeper for one configuration and storage: the live read model's unsettled index
 * for candidates, reconcile (with its own client of each tenant's gateway account) to settle
 * them. What the local stack's timer runs and what {@link composePaymentSweeperLambda} returns.
 */
export function composePaymentSweeper(options: PaymentSweeperOptions): PaymentSweeper {
  const { config, storage, logger, gateways } = options;
  const clock = options.clock ?? (() => new Date());
  const { sweeper } = config.payments;
  // The same reconcile handler `POST /payments/{id}/reconcile` dispatches to, called directly:
  // the sweeper's function has no Nest and no bus.
  const reconcile = new ReconcilePaymentHandler(
    new PaymentWorkflow(
      storage.eventStore,
      (tenantId) => gateways.for(tenantId),
      paymentAdapters(storage, { clock }).requestIdempotency,
      clock,
    ),
  );
  return new PaymentSweeper(
    projectionAdapters(storage).unsettledPayments(),
    reconcile,
    {
      olderThanMs: sweeper.olderThanSeconds * 1000,
      maxPerSweep: sweeper.maxPerRun,
      breakerOf: (tenantId) => gateways.for(tenantId).circuitState(),
    },
    clock,
    (error, candidate) =>
      logger.warn({ err: error, ...candidate }, 'the sweeper could not settle a payment'),
  );
}

/** What the sweeper's function runs, and how to release it. */
export interface PaymentSweeperRoot {
  sweeper: PaymentSweeper;
  close(): Promise<void>;
}

/**
 * The composition root of the scheduled sweeper function (template.yaml:
 * PaymentSweeperFunction): storage and gateways from the environment, the configuration from the
 * SSM parameter LEDGER_CONFIG_PARAMETER names (read through `parameters`; a development
 * configuration is refused).
 */
export async function composePaymentSweeperLambda(
  env: LedgerEnv = readLedgerEnv(),
  parameters: ParameterSource = new PowertoolsParameterSource(),
): Promise<PaymentSweeperRoot> {
  const config = await loadLambdaLedgerConfig(env, parameters);
  const storage = openLedgerStorage(env);
  return {
    sweeper: composePaymentSweeper({
      config,
      storage,
      logger: createLogger(env.logLevel),
      gateways: createGateways(config, env),
    }),
    close: () => Promise.resolve(closeLedgerStorage(storage)),
  };
}
