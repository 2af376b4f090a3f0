import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { loadLedgerConfig, reachableHost, type LedgerEnv } from '@ledger/config';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import type { Logger } from '@ledger/observability';
import type { ConsumersProbe } from '../health/health-probes.port';
import {
  apiReplayOptions,
  buildApiDependencies,
  createGateways,
  type ApiRoot,
} from './api-dependencies.factory';

export interface ApiServerRootOptions {
  env: LedgerEnv;
  logger: Logger;
  /** Storage this process already opened (the local stack shares one); default: from `env`. */
  storage?: LedgerStorage;
  /** The bus client this process already opened; default: EVENTBRIDGE_ENDPOINT, else the local bus. */
  eventBridge?: EventBridgeClient;
  /** The local bus, where republish delivers to one rule's target (the local stack only). */
  localBusUrl?: string;
  /** The stream consumers' process, which /health reports (the local stack only). */
  consumers?: ConsumersProbe;
}

/**
 * The composition root of the API server: `ledger start` (with the storage and bus it shares)
 * and `apps/api/src/main.ts` (on its own). Serve it with `createApiApp(root.dependencies)`.
 */
export function composeApiServer(options: ApiServerRootOptions): ApiRoot {
  const { env, logger } = options;
  const config = loadLedgerConfig(env.configPath);
  const owned: Array<() => void> = [];
  let storage = options.storage;
  if (storage === undefined) {
    const opened = openLedgerStorage(env);
    owned.push(() => closeLedgerStorage(opened));
    storage = opened;
  }
  let eventBridge = options.eventBridge;
  if (eventBridge === undefined) {
    const opened = createEventBridgeClient(
      env.eventBridgeEndpoint ?? `http://${reachableHost(env.host)}:${env.localBusPort}`,
    );
    owned.push(() => opened.destroy());
    eventBridge = opened;
  }
  const dependencies = buildApiDependencies({
    config,
    storage,
    logger,
    gateways: createGateways(config, env),
    eventBridge,
    replays: apiReplayOptions(env, eventBridge, options.localBusUrl),
  });
  return {
    dependencies:
      options.consumers === undefined
        ? dependencies
        : { ...dependencies, probes: { ...dependencies.probes, consumers: options.consumers } },
    close: () => {
      for (const release of owned.splice(0).reverse()) release();
      return Promise.resolve();
    },
  };
}
