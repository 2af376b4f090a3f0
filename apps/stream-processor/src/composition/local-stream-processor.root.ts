import { createEventBridgeClient } from '@ledger/bus/aws';
import { loadLedgerConfig, type LedgerEnv } from '@ledger/config';
import { closeLedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import type { Logger } from '@ledger/observability';
import { createTenantGateways } from '@ledger/outbound';
import { createDynamoDbStreamsClient } from '@ledger/stream-consumer/aws';
import { buildConsumers } from '../consumers';
import { startLocalStreamProcessor, type LocalStreamProcessor } from '../local-stream-processor';
import type { ConsumerContext } from './consumer-context';

/** A consumer context a local process opened, with what releases its clients. */
export interface LocalConsumerContext {
  context: ConsumerContext;
  close(): void;
}

/**
 * What every consumer of a local stream processor is composed from, opened from the process's
 * environment alone: the engine (DYNAMODB_ENDPOINT), the bus (EVENTBRIDGE_ENDPOINT), the
 * configuration file (LEDGER_CONFIG) and the gateways it names (the sandbox on
 * SANDBOX_GATEWAY_PORT). The one place a new `ConsumerContext` field is filled in
 * for `ledger start`'s consumers' process and the stand-alone processor.
 */
export function openLocalConsumerContext(env: LedgerEnv, logger: Logger): LocalConsumerContext {
  const config = loadLedgerConfig(env.configPath);
  const storage = openLedgerStorage(env);
  const eventBridge = createEventBridgeClient(env.eventBridgeEndpoint);
  return {
    context: {
      storage,
      logger,
      eventBridge,
      eventBusName: env.eventBusName,
      // The providers' interpreters: how the correlator reads each provider's payloads.
      providers: config.providers,
      // The charger's clients: each tenant's account with breakers of its own, as in AWS where
      // the charger is a function apart from the API.
      gateways: createTenantGateways(config, env),
    },
    close: () => {
      eventBridge.destroy();
      closeLedgerStorage(storage);
    },
  };
}

/**
 * The composition root of the local stream processor (`node dist/apps/stream-processor/src/main.js`,
 * which `ledger start` forks): every consumer of `CONSUMER_ROOTS` on a poller of its own, on
 * clients opened from `env`. Its `stop` stops the pollers (their checkpoints saved), then closes
 * the clients.
 */
export async function composeLocalStreamProcessor(
  env: LedgerEnv,
  logger: Logger,
): Promise<LocalStreamProcessor> {
  const opened = openLocalConsumerContext(env, logger);
  const streams = createDynamoDbStreamsClient(env.dynamoDbEndpoint);
  const close = (): void => {
    streams.destroy();
    opened.close();
  };
  try {
    const processor = await startLocalStreamProcessor({
      storage: opened.context.storage,
      streams,
      consumers: buildConsumers(opened.context),
      logger,
    });
    return {
      consumers: processor.consumers,
      stop: async () => {
        await processor.stop();
        close();
      },
    };
  } catch (error) {
    close();
    throw error;
  }
}
