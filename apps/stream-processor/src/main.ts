import { createEventBridgeClient } from '@ledger/bus/aws';
import { loadLedgerConfig, readLedgerEnv } from '@ledger/config';
import { describeFailure } from '@ledger/errors';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import { createTenantGateways } from '@ledger/outbound';
import { createDynamoDbStreamsClient } from '@ledger/stream-consumer/aws';
import { buildConsumers } from './consumers';
import { startLocalStreamProcessor } from './local-stream-processor';

/**
 * The stream processor on its own, against an engine that is already running
 * (`ledger start` runs it together with everything else).
 */
async function main(): Promise<void> {
  const env = readLedgerEnv();
  // The providers' interpreters (the correlator) and the tenants' gateways (the charger).
  const config = loadLedgerConfig(env.configPath);
  const logger = createLogger(env.logLevel);
  const storage = openLedgerStorage(env);
  const streams = createDynamoDbStreamsClient(env.dynamoDbEndpoint);
  const processor = await startLocalStreamProcessor({
    storage,
    streams,
    consumers: buildConsumers({
      storage,
      logger,
      eventBridge: createEventBridgeClient(env.eventBridgeEndpoint),
      eventBusName: env.eventBusName,
      providers: config.providers,
      // The charger's clients: each tenant's account, as the API's.
      gateways: createTenantGateways(config, env),
    }),
    logger,
  });
  logger.info({ consumers: processor.consumers }, 'stream processor running');
  const shutdown = (): void => {
    void processor.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main().catch((error: unknown) => {
  // A LedgerError (a bad configuration, a taken port...) is its message; a bug keeps its stack.
  console.error(describeFailure(error).text);
  process.exit(1);
});
