import { readLedgerEnv } from '@ledger/config';
import { describeFailure } from '@ledger/errors';
import { createLogger } from '@ledger/observability';
import { composeLocalStreamProcessor } from './composition/local-stream-processor.root';
import { processParent, runSupervised } from './supervised/run-supervised';

/**
 * The stream processor in a process of its own, against an engine that is already running:
 * forked by `ledger start` (which supervises it over the IPC channel), or run alone.
 */
async function main(): Promise<void> {
  const env = readLedgerEnv();
  const logger = createLogger(env.logLevel).child({ component: 'stream-processor' });
  const start = () => composeLocalStreamProcessor(env, logger);
  if (process.send !== undefined) {
    await runSupervised(start, logger, processParent());
    return;
  }
  const processor = await start();
  logger.info({ consumers: processor.consumers }, 'stream processor running');
  const shutdown = (): void => {
    void processor.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main().catch((error: unknown) => {
  // A LedgerError (a bad configuration, an unreachable engine...) is its message; a bug keeps its stack.
  console.error(describeFailure(error).text);
  process.exit(1);
});
