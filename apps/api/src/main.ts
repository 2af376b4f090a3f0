import { readLedgerEnv } from '@ledger/config';
import { describeFailure } from '@ledger/errors';
import { createLogger } from '@ledger/observability';
import { composeApiServer } from './composition/api-server.root';
import { createApiApp } from './create-api-app';
import { listenApi } from './listen-api';

/** The API on its own, against an engine that is already running (`ledger start` runs it all). */
async function main(): Promise<void> {
  const env = readLedgerEnv();
  const logger = createLogger(env.logLevel);
  const root = composeApiServer({ env, logger });
  const app = await createApiApp(root.dependencies);
  const listening = await listenApi(app, env.port, env.host);
  logger.info(listening, 'api listening');
  const shutdown = (): void => {
    void app
      .close()
      .then(() => root.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main().catch((error: unknown) => {
  // A LedgerError (a bad configuration, a taken port...) is its message; a bug keeps its stack.
  console.error(describeFailure(error).text);
  process.exit(1);
});
