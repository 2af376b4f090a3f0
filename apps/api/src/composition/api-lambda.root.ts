import { createEventBridgeClient } from '@ledger/bus/aws';
import { loadLedgerConfig, readLedgerEnv, type LedgerEnv } from '@ledger/config';
import { closeLedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import {
  apiReplayOptions,
  buildApiDependencies,
  createGateways,
  type ApiRoot,
} from './api-dependencies.factory';

/**
 * The composition root of the API Lambda function (template.yaml: ApiFunction): everything from
 * the environment; EventBridge is AWS's unless EVENTBRIDGE_ENDPOINT says otherwise.
 */
export function composeApiLambda(env: LedgerEnv = readLedgerEnv()): ApiRoot {
  const logger = createLogger(env.logLevel);
  const config = loadLedgerConfig(env.configPath);
  const storage = openLedgerStorage({
    endpoint: env.dynamoDbEndpoint,
    tablePrefix: env.tablePrefix,
  });
  const eventBridge = createEventBridgeClient(env.eventBridgeEndpoint);
  const dependencies = buildApiDependencies({
    config,
    storage,
    logger,
    gateways: createGateways(config, env),
    eventBridge,
    replays: apiReplayOptions(env, eventBridge),
  });
  return {
    dependencies,
    close: () => {
      eventBridge.destroy();
      closeLedgerStorage(storage);
      return Promise.resolve();
    },
  };
}
