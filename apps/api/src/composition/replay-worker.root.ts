import { LambdaClient } from '@aws-sdk/client-lambda';
import { ledgerTemplateRules } from '@ledger/bus';
import { createEventBridgeClient } from '@ledger/bus/aws';
import {
  loadLambdaLedgerConfig,
  readLedgerEnv,
  type LedgerEnv,
  type ParameterSource,
} from '@ledger/config';
import { PowertoolsParameterSource } from '@ledger/config/aws';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import { createTenantGateways } from '@ledger/outbound';
import { PaymentWorkflow, ReconcilePaymentHandler, reconcileJobRunner } from '@ledger/payments';
import { paymentAdapters } from '@ledger/payments/aws';
import { projectionAdapters } from '@ledger/projections/aws';
import {
  replayJobRunner,
  type ReplayWorkerDependencies,
  type ReplayWorkerEvent,
} from '@ledger/replay';
import { awsReplayDelivery, replayAdapters, replayWorkerDispatcher } from '@ledger/replay/aws';

/** What the replay worker's function runs on, and how to release it. */
export interface ReplayWorkerRoot {
  /** The worker's ports; each invocation adds its own owner and continuation. */
  dependencies: Omit<ReplayWorkerDependencies, 'continueLater' | 'owner'>;
  /** Hands a job on to the function `functionArn` (the worker itself), asynchronously. */
  dispatcherFor(functionArn: string): (event: ReplayWorkerEvent) => Promise<void>;
  close(): Promise<void>;
}

/**
 * The composition root of the replay worker function (template.yaml: ReplayWorkerFunction):
 * the replay records and read model on the ledger's storage; in a stack, republish to the
 * deployed rules' targets; and bulk reconcile jobs on each tenant's gateway account, read as the
 * charger reads them (the SSM parameter LEDGER_CONFIG_PARAMETER names, with its secrets, through
 * `parameters`; a development configuration is refused). `opened`: a storage the caller opened
 * and closes (a spec's); by default the one the environment names.
 */
export async function composeReplayWorker(
  env: LedgerEnv = readLedgerEnv(),
  opened?: LedgerStorage,
  parameters: ParameterSource = new PowertoolsParameterSource(),
): Promise<ReplayWorkerRoot> {
  const gateways = createTenantGateways(await loadLambdaLedgerConfig(env, parameters), env);
  const logger = createLogger(env.logLevel);
  const storage = opened ?? openLedgerStorage(env);
  const { jobs } = replayAdapters(storage);
  const projections = projectionAdapters(storage);
  const lambda = new LambdaClient({});
  const eventBridge = createEventBridgeClient(env.eventBridgeEndpoint);
  // The reconcile handler `POST /payments/{id}/reconcile` dispatches to, called directly (no
  // Nest here), as the admin API's own runner and the CLI's call it.
  const reconciler = new ReconcilePaymentHandler(
    new PaymentWorkflow(
      storage.eventStore,
      (tenantId) => gateways.for(tenantId),
      paymentAdapters(storage).requestIdempotency,
    ),
  );
  const run = replayJobRunner({
    store: storage.eventStore,
    jobs,
    generations: projections.generations(),
    documentsOf: projections.documentsOf,
    ...(env.ruleArns !== undefined && {
      republish: {
        delivery: awsReplayDelivery({
          eventBridge,
          lambda,
          ruleArns: env.ruleArns,
        }),
        rules: ledgerTemplateRules(),
      },
    }),
    reconcile: reconcileJobRunner({
      jobs,
      candidates: projections.unsettledPayments(),
      reconciler,
      breakerOf: (tenantId) => gateways.for(tenantId).circuitState(),
    }),
  });
  return {
    dependencies: {
      jobs,
      leases: jobs,
      run,
      log: (message, fields) => logger.warn(fields, message),
    },
    dispatcherFor: (functionArn) => replayWorkerDispatcher(lambda, functionArn),
    close: () => {
      lambda.destroy();
      eventBridge.destroy();
      if (opened === undefined) closeLedgerStorage(storage);
      return Promise.resolve();
    },
  };
}
