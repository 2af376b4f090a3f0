import { createEventBridgeClient } from '@ledger/bus/aws';
import {
  ConfigError,
  loadLambdaLedgerConfig,
  loadLambdaProviderInterpretations,
  readLedgerEnv,
  type LedgerEnv,
  type ParameterSource,
} from '@ledger/config';
import { PowertoolsParameterSource } from '@ledger/config/aws';
import type { UpcasterChain } from '@ledger/event-store';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import { createTenantGateways } from '@ledger/outbound';
import type { ParkingLot, StreamConsumer } from '@ledger/stream-consumer';
import { streamConsumerAdapters } from '@ledger/stream-consumer/aws';
import {
  CONSUMER_ROOTS,
  CONSUMERS_CALLING_GATEWAYS,
  CONSUMERS_READING_PROVIDERS,
} from '../consumers';

/** What one consumer's Lambda function runs: the consumer, where it parks, how it decodes. */
export interface ConsumerLambdaRoot {
  consumer: StreamConsumer;
  parkingLot: ParkingLot;
  /** What the stream's records are upcast with, as the event store upcasts its reads. */
  upcasters?: UpcasterChain;
  close(): Promise<void>;
}

/**
 * The composition root of a stream-consumer function (template.yaml: CorrelatorFunction,
 * ProjectorFunction, PublisherFunction, ChargerFunction): the consumer `name` (CONSUMER_NAME)
 * composed by its own root (`<consumer>.root.ts`) on storage and bus from the environment. The
 * correlator first reads its providers' interpreters from the SSM parameter
 * LEDGER_CONFIG_PARAMETER names, through `parameters` (that one parameter, none of the secrets it
 * refers to); the charger reads the whole configuration with its gateway secrets, as the API does. `opened`: a storage the
 * caller opened and closes (a spec's); by default the one the environment names.
 */
export async function composeConsumerLambda(
  name: string | undefined,
  env: LedgerEnv = readLedgerEnv(),
  opened?: LedgerStorage,
  parameters: ParameterSource = new PowertoolsParameterSource(),
): Promise<ConsumerLambdaRoot> {
  const compose = name === undefined ? undefined : CONSUMER_ROOTS[name];
  if (name === undefined || compose === undefined) {
    throw new ConfigError(`CONSUMER_NAME names no known consumer: ${String(name)}`);
  }
  const providers = CONSUMERS_READING_PROVIDERS.has(name)
    ? await loadLambdaProviderInterpretations(env, parameters)
    : undefined;
  // Only the charger's function reads the gateway accounts and their secrets.
  const gateways = CONSUMERS_CALLING_GATEWAYS.has(name)
    ? createTenantGateways(await loadLambdaLedgerConfig(env, parameters), env)
    : undefined;
  const logger = createLogger(env.logLevel);
  const storage = opened ?? openLedgerStorage(env);
  const eventBridge = createEventBridgeClient(env.eventBridgeEndpoint);
  const consumer = compose({
    storage,
    logger,
    eventBridge,
    eventBusName: env.eventBusName,
    providers,
    gateways,
  });
  return {
    consumer,
    parkingLot: streamConsumerAdapters(storage).parkingLot,
    upcasters: storage.upcasters,
    close: () => {
      eventBridge.destroy();
      if (opened === undefined) closeLedgerStorage(storage);
      return Promise.resolve();
    },
  };
}
