import type { LedgerConfig } from '@ledger/config';
import type { LedgerStorage } from '@ledger/event-store/aws';
import type { Logger } from '@ledger/observability';
import type { TenantGateways } from '@ledger/outbound';
import { PaymentSweeper, PaymentWorkflow, ReconcilePaymentHandler } from '@ledger/payments';
import { DynamoDbRequestIdempotency } from '@ledger/payments/aws';
import { createLiveUnsettledPayments } from '@ledger/projections/aws';

/**
 * The payment sweeper for one configuration and storage: the live read model's unsettled index
 * for candidates, reconcile (with its own client of each tenant's gateway account) to settle them. The composition root of
 * the local timer and of the scheduled function.
 */
export function composePaymentSweeper(
  config: LedgerConfig,
  storage: LedgerStorage,
  logger: Logger,
  gateways: TenantGateways,
  clock: () => Date = () => new Date(),
): PaymentSweeper {
  const { sweeper } = config.payments;
  // The same reconcile handler `POST /payments/{id}/reconcile` dispatches to, called directly:
  // the sweeper's function has no Nest and no bus.
  const reconcile = new ReconcilePaymentHandler(
    new PaymentWorkflow(
      storage.eventStore,
      (tenantId) => gateways.for(tenantId),
      new DynamoDbRequestIdempotency(storage.dynamoDb, storage.tables.idempotency, { clock }),
      clock,
    ),
  );
  return new PaymentSweeper(
    createLiveUnsettledPayments(storage.dynamoDb, storage.tables),
    reconcile,
    { olderThanMs: sweeper.olderThanSeconds * 1000, maxPerSweep: sweeper.maxPerRun },
    clock,
    (error, candidate) =>
      logger.warn({ err: error, ...candidate }, 'the sweeper could not settle a payment'),
  );
}

/**
 * Runs `sweeper` every `intervalMs` (a sweep never overlaps the previous one) until the returned
 * function is called; that function waits for a sweep in progress.
 */
export function startSweeperTimer(
  sweeper: PaymentSweeper,
  intervalMs: number,
  logger: Logger,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweeper
        .sweep()
        .then((result) => {
          if (result.examined > 0) logger.info({ ...result }, 'payment sweep');
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'payment sweep failed'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
