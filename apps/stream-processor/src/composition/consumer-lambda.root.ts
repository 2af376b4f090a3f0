import { createEventBridgeClient } from '@ledger/bus/aws';
import { ConfigError, readLedgerEnv, type LedgerEnv } from '@ledger/config';
import type { UpcasterChain } from '@ledger/event-store';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import type { ParkingLot, StreamConsumer } from '@ledger/stream-consumer';
import { streamConsumerAdapters } from '@ledger/stream-consumer/aws';
import { CONSUMER_ROOTS } from '../consumers';

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
 * ProjectorFunction, PublisherFunction): the consumer `name` (CONSUMER_NAME) composed by its own
 * root (`<consumer>.root.ts`) on storage and bus from the environment. `opened`: a storage the
 * caller opened and closes (a spec's); by default the one the environment names.
 */
export function composeConsumerLambda(
  name: string | undefined,
  env: LedgerEnv = readLedgerEnv(),
  opened?: LedgerStorage,
): ConsumerLambdaRoot {
  const logger = createLogger(env.logLevel);
  const storage = opened ?? openLedgerStorage(env);
  const release = (): void => {
    if (opened === undefined) closeLedgerStorage(storage);
  };
  const compose = name === undefined ? undefined : CONSUMER_ROOTS[name];
  if (compose === undefined) {
    release();
    throw new ConfigError(`CONSUMER_NAME names no known consumer: ${String(name)}`);
  }
  const eventBridge = createEventBridgeClient(env.eventBridgeEndpoint);
  const consumer = compose({ storage, logger, eventBridge, eventBusName: env.eventBusName });
  return {
    consumer,
    parkingLot: streamConsumerAdapters(storage).parkingLot,
    upcasters: storage.upcasters,
    close: () => {
      eventBridge.destroy();
      release();
      return Promise.resolve();
    },
  };
}
