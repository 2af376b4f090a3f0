import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '@ledger/bus';
import { busAdapters, createEventBridgeClient } from '@ledger/bus/aws';
import {
  loadLambdaLedgerConfig,
  loadLambdaProviderInterpretations,
  type LedgerEnv,
} from '@ledger/config';
import { PowertoolsParameterSource } from '@ledger/config/aws';
import type { EventStore, GlobalEventLog, UpcasterChain } from '@ledger/event-store';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import type { Logger } from '@ledger/observability';
import { createTenantGateways } from '@ledger/outbound';
import { projectionAdapters, type ProjectionAdapters } from '@ledger/projections/aws';
import type { ReplayJobs } from '@ledger/replay';
import { replayAdapters } from '@ledger/replay/aws';
import type {
  ConsumerBatchRunner,
  FailureQueue,
  ParkingLot,
  StreamConsumer,
  StreamRangeReader,
} from '@ledger/stream-consumer';
import {
  createDynamoDbStreamsClient,
  DynamoDbStreamRangeReader,
  LambdaBatchRunner,
  SqsFailureQueue,
  streamConsumerAdapters,
} from '@ledger/stream-consumer/aws';
import {
  CONSUMER_ROOTS,
  CONSUMERS_CALLING_GATEWAYS,
  CONSUMERS_READING_PROVIDERS,
} from '@ledger/stream-processor-app';

/** The ports the `ledger` operator commands work on, for one engine and table prefix. */
export interface CliRoot {
  /** The events, by stream and in their global order (rebuild, republish and verify read them). */
  eventStore: EventStore & GlobalEventLog;
  /** What the store's reads upcast with; redriven records are decoded the same way. */
  upcasters?: UpcasterChain;
  replayJobs: ReplayJobs;
  /** The payments read model: its generations and each generation's documents. */
  projections: ProjectionAdapters;
  /** Records the stream consumers parked. */
  parkingLot: ParkingLot;
  /** The publisher's dead letters (the SQS queue when DEAD_LETTER_QUEUE_URL is set). */
  deadLetters(): DeadLetters;
  /** The bus the CLI talks to, opened on first use. */
  eventBridge(): EventBridgeClient;
  /**
   * The stream consumer `name`, composed by its own root as its function is (the correlator with
   * the providers' interpreters of the configuration the service reads); undefined if none.
   */
  consumer(name: string, logger: Logger): Promise<StreamConsumer | undefined>;
  /** What `consumers redrive-failures` works on, for the failure queue at `queueUrl`. */
  failureRedrive(queueUrl: string): FailureRedriveRoot;
  /** Releases the storage and, if it was opened, the bus client. */
  close(): void;
}

/** The consumers' failure queue, the events table's stream and the deployed consumer functions. */
export interface FailureRedriveRoot {
  queue: FailureQueue;
  stream: StreamRangeReader;
  runner: ConsumerBatchRunner;
}

/**
 * The composition root of the `ledger` operator commands (not `ledger start`, which composes the
 * local stack in `start/local-stack.ts`): storage and bus from the environment, see
 * {@link cliStorageEndpoint} and {@link cliBusEndpoint}.
 */
export function composeCli(env: LedgerEnv): CliRoot {
  const storage: LedgerStorage = openLedgerStorage(env, cliStorageEndpoint(env));
  let eventBridge: EventBridgeClient | undefined;
  const opened: { destroy(): void }[] = [];
  const bus = (): EventBridgeClient =>
    (eventBridge ??= createEventBridgeClient(cliBusEndpoint(env)));
  return {
    eventStore: storage.eventStore,
    upcasters: storage.upcasters,
    replayJobs: replayAdapters(storage).jobs,
    projections: projectionAdapters(storage),
    parkingLot: streamConsumerAdapters(storage).parkingLot,
    deadLetters: () => busAdapters(storage).deadLetters(),
    eventBridge: bus,
    consumer: async (name, logger) => {
      const compose = Object.hasOwn(CONSUMER_ROOTS, name) ? CONSUMER_ROOTS[name] : undefined;
      if (compose === undefined) return undefined;
      // The correlator reads each provider's payloads with its interpreter, as its function does:
      // from the SSM parameter LEDGER_CONFIG_PARAMETER names when set, else the configuration file.
      const providers = CONSUMERS_READING_PROVIDERS.has(name)
        ? await loadLambdaProviderInterpretations(env, new PowertoolsParameterSource())
        : undefined;
      // The charger calls each tenant's gateway, with the accounts its function reads (the
      // configuration parameter when set, else the file).
      const gateways = CONSUMERS_CALLING_GATEWAYS.has(name)
        ? createTenantGateways(
            await loadLambdaLedgerConfig(env, new PowertoolsParameterSource()),
            env,
          )
        : undefined;
      return compose({
        storage,
        logger,
        eventBridge: bus(),
        gateways,
        ...(providers !== undefined && { providers }),
      });
    },
    failureRedrive: (queueUrl) => {
      // The queue only exists in AWS, and its messages name AWS streams and functions.
      const sqs = new SQSClient({});
      const streams = createDynamoDbStreamsClient(
        env.dynamoDbEndpoint === 'aws' ? undefined : env.dynamoDbEndpoint,
      );
      const lambda = new LambdaClient({});
      opened.push(sqs, streams, lambda);
      return {
        queue: new SqsFailureQueue(sqs, queueUrl),
        stream: new DynamoDbStreamRangeReader(streams),
        runner: new LambdaBatchRunner(lambda),
      };
    },
    close: () => {
      closeLedgerStorage(storage);
      eventBridge?.destroy();
      for (const client of opened) client.destroy();
    },
  };
}

/**
 * The engine the CLI talks to: DYNAMODB_ENDPOINT when set (`aws` for the AWS default chain),
 * otherwise the DynamoDB Local that `ledger start` runs on DYNAMODB_LOCAL_PORT.
 */
export function cliStorageEndpoint(env: LedgerEnv): string | undefined {
  return env.dynamoDbEndpoint === 'aws'
    ? undefined
    : (env.dynamoDbEndpoint ?? `http://127.0.0.1:${env.dynamoDbLocalPort}`);
}

/** The bus the CLI talks to: EVENTBRIDGE_ENDPOINT when set (`aws` for AWS), else the local bus. */
export function cliBusEndpoint(env: LedgerEnv): string | undefined {
  return env.eventBridgeEndpoint === 'aws'
    ? undefined
    : (env.eventBridgeEndpoint ?? `http://127.0.0.1:${env.localBusPort}`);
}
