import { createGateways } from '@ledger/api-app';
import type { LedgerConfig, LedgerEnv } from '@ledger/config';
import { closeLedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import {
  PaymentWorkflow,
  ReconcilePaymentHandler,
  reconcileJobRunner,
  type ReconcileItemResult,
} from '@ledger/payments';
import { paymentAdapters } from '@ledger/payments/aws';
import { projectionAdapters } from '@ledger/projections/aws';
import type { ReplayJob, ReplayJobs } from '@ledger/replay';
import { replayAdapters } from '@ledger/replay/aws';
import { cliStorageEndpoint } from './cli.root';

/** What `ledger payments reconcile` runs on. */
export interface CliReconcileRoot {
  /** The job records (the meta table's replay jobs, kind `reconcile`). */
  jobs: ReplayJobs;
  /** Runs a recorded reconcile job until it ends or `signal` aborts. */
  run(job: ReplayJob, signal?: AbortSignal): Promise<ReplayJob>;
  close(): void;
}

/**
 * The bulk reconcile of the CLI: the engine the other commands reach, the configuration's
 * tenants and their own gateway accounts (each client with its own breaker), and the reconcile
 * handler the API dispatches to, as `operator`.
 */
export function composeCliReconcile(
  env: LedgerEnv,
  config: LedgerConfig,
  hooks: {
    onItem?: (item: ReconcileItemResult) => void | Promise<void>;
    onProgress?: (job: ReplayJob) => void;
  } = {},
): CliReconcileRoot {
  const storage = openLedgerStorage(env, cliStorageEndpoint(env));
  const gateways = createGateways(config, env);
  const workflow = new PaymentWorkflow(
    storage.eventStore,
    (tenantId) => gateways.for(tenantId),
    paymentAdapters(storage).requestIdempotency,
  );
  const { jobs } = replayAdapters(storage);
  return {
    jobs,
    run: reconcileJobRunner({
      jobs,
      candidates: projectionAdapters(storage).unsettledPayments(),
      reconciler: new ReconcilePaymentHandler(workflow),
      breakerOf: (tenantId) => gateways.for(tenantId).circuitState(),
      ...hooks,
    }),
    close: () => closeLedgerStorage(storage),
  };
}
