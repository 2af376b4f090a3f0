import { createEventBridgeClient } from '@ledger/bus/aws';
import {
  loadLambdaLedgerConfig,
  readLedgerEnv,
  type LedgerEnv,
  type ParameterSource,
} from '@ledger/config';
import { PowertoolsParameterSource } from '@ledger/config/aws';
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
 * the environment, the configuration from the SSM parameter LEDGER_CONFIG_PARAMETER names (read
 * through `parameters`; a development configuration is refused); EventBridge is AWS's unless
 * EVENTBRIDGE_ENDPOINT says otherwise.
 */
export async function composeApiLambda(
  env: LedgerEnv = readLedgerEnv(),
  parameters: ParameterSource = new PowertoolsParameterSource(),
): Promise<ApiRoot> {
  const config = await loadLambdaLedgerConfig(env, parameters);
  const logger = createLogger(env.logLevel);
  const storage = openLedgerStorage(env);
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
