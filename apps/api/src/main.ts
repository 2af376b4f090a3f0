import { createEventBridgeClient } from '@ledger/bus/aws';
import { readLedgerEnv } from '@ledger/config';
import { describeFailure } from '@ledger/errors';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import { composeApi } from './compose-api';

/** The API on its own, against an engine that is already running (`ledger start` runs it all). */
async function main(): Promise<void> {
  const env = readLedgerEnv();
  const logger = createLogger(env.logLevel);
  const storage = openLedgerStorage({
    endpoint: env.dynamoDbEndpoint,
    tablePrefix: env.tablePrefix,
  });
  const app = await composeApi(
    env,
    storage,
    logger,
    createEventBridgeClient(env.eventBridgeEndpoint ?? `http://127.0.0.1:${env.localBusPort}`),
  );
  await app.listen({ port: env.port, host: '0.0.0.0' });
  logger.info({ port: env.port }, 'api listening');
  const shutdown = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main().catch((error: unknown) => {
  // A LedgerError (a bad configuration, a taken port...) is its message; a bug keeps its stack.
  console.error(describeFailure(error).text);
  process.exit(1);
});
