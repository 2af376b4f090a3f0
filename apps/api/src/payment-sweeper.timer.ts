import type { Logger } from '@ledger/observability';
import type { PaymentSweeper } from '@ledger/payments';

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
