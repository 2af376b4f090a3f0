import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createEventBridgeClient, ledgerTemplateRules, startLocalBus } from '@ledger/bus';
import { loadLedgerConfig, type LedgerConfig, type LedgerEnv } from '@ledger/config';
import { createReceiptsHandler, ReceiptStore, type ReceiptEvent } from '@ledger/payment-receipts';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { tableDefinitions, type LedgerStorage } from '@ledger/event-store';
import { openLedgerStorage } from '@ledger/ledger';
import {
  assertPortFree,
  ensureTables,
  startDynamoDbLocal,
  type RunningDynamoDbLocal,
} from '@ledger/local-engine';
import type { Logger } from '@ledger/observability';
import { createDynamoDbStreamsClient } from '@ledger/stream-consumer';
import {
  composeApi,
  composePaymentSweeper,
  createGateway,
  startSweeperTimer,
} from '@ledger/api-app';
import {
  buildConsumers,
  startLocalStreamProcessor,
  type LocalStreamProcessor,
} from '@ledger/stream-processor-app';

/** The provider whose webhooks the local sandbox gateway signs and sends. */
const SANDBOX_PROVIDER = 'sandbox';
/** The example subscriber's function in template.yaml; the local bus delivers to it by this name. */
const RECEIPTS_FUNCTION = 'PaymentReceiptsFunction';

export interface LocalStack {
  apiUrl: string;
  dynamoDbEndpoint: string;
  storage: LedgerStorage;
  /** Stops everything, in reverse order of start. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Everything `npm start` runs, in one process: DynamoDB Local (unless DYNAMODB_ENDPOINT is set),
 * the tables, the API and the stream processor.
 */
export async function startLocalStack(env: LedgerEnv, logger: Logger): Promise<LocalStack> {
  // Fail on a bad configuration before starting any engine.
  const config = loadLedgerConfig(env.configPath);
  await assertPortFree(env.port, 'PORT');
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.splice(0).reverse()) {
      await step().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };
  try {
    let engine: RunningDynamoDbLocal | undefined;
    if (env.dynamoDbEndpoint === undefined) {
      engine = await startDynamoDbLocal({
        port: env.dynamoDbLocalPort === 0 ? undefined : env.dynamoDbLocalPort,
        dataDir: env.dataDir,
      });
      stops.push(() => engine!.stop());
      logger.info({ endpoint: engine.endpoint, dataDir: env.dataDir }, 'DynamoDB Local started');
    }
    const endpoint = env.dynamoDbEndpoint ?? engine?.endpoint;
    const storage = openLedgerStorage({
      endpoint,
      tablePrefix: env.tablePrefix,
    });
    stops.push(() => Promise.resolve(storage.dynamoDb.destroy()));
    await ensureTables(storage.dynamoDb, tableDefinitions(storage.tables));

    const busEndpoint =
      env.eventBridgeEndpoint ?? (await startLocalBusFor(env, storage, logger, stops));
    const eventBridge = createEventBridgeClient(busEndpoint);
    stops.push(() => Promise.resolve(eventBridge.destroy()));

    const streams = createDynamoDbStreamsClient(endpoint);
    stops.push(() => Promise.resolve(streams.destroy()));
    const processor: LocalStreamProcessor = await startLocalStreamProcessor({
      storage,
      streams,
      consumers: buildConsumers({ storage, logger, eventBridge, eventBusName: env.eventBusName }),
      logger,
    });
    stops.push(() => processor.stop());
    logger.info({ consumers: processor.consumers }, 'stream processor running');

    if (config.gateway.baseUrl === null) {
      const sandbox = await startLocalSandbox(config, env, logger);
      stops.push(() => sandbox.stop());
    }

    const api: NestFastifyApplication = await composeApi(
      env,
      storage,
      logger,
      eventBridge,
      env.eventBridgeEndpoint === undefined ? busEndpoint : undefined,
    );
    stops.push(() => api.close());
    await api.listen({ port: env.port, host: '0.0.0.0' });
    const apiUrl = `http://127.0.0.1:${env.port}`;
    logger.info({ url: apiUrl }, 'api listening');

    const { sweeper } = config.payments;
    if (sweeper.enabled) {
      const stopSweeper = startSweeperTimer(
        composePaymentSweeper(config, storage, logger, createGateway(config, env)),
        sweeper.intervalSeconds * 1000,
        logger,
      );
      stops.push(stopSweeper);
      logger.info({ ...sweeper }, 'payment sweeper running');
    }
    return { apiUrl, dynamoDbEndpoint: endpoint ?? 'aws', storage, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The local EventBridge-compatible bus, routing by template.yaml's rules to this process's copy of
 * the example subscriber. Returns its endpoint.
 */
async function startLocalBusFor(
  env: LedgerEnv,
  storage: LedgerStorage,
  logger: Logger,
  stops: Array<() => Promise<void>>,
): Promise<string> {
  await assertPortFree(env.localBusPort, 'LOCAL_BUS_PORT');
  const receipts = createReceiptsHandler(
    new ReceiptStore(storage.dynamoDb, storage.tables.readModels),
    {
      log: (message, fields) => logger.info({ ...fields, component: 'payment-receipts' }, message),
    },
  );
  const bus = await startLocalBus({
    port: env.localBusPort,
    rules: ledgerTemplateRules(),
    targets: [
      { name: RECEIPTS_FUNCTION, handle: (event) => receipts(event as unknown as ReceiptEvent) },
    ],
    log: (message, fields) => logger.warn({ ...fields, component: 'local-bus' }, message),
  });
  stops.push(() => bus.stop());
  logger.info({ url: bus.url }, 'local bus listening');
  return bus.url;
}

/**
 * The sandbox gateway, sending its signed webhooks to this ledger's `sandbox` provider; some are
 * duplicated and some overtake the HTTP answer, as real gateways' do.
 */
async function startLocalSandbox(
  config: LedgerConfig,
  env: LedgerEnv,
  logger: Logger,
): Promise<RunningSandboxGateway> {
  await assertPortFree(env.sandboxGatewayPort, 'SANDBOX_GATEWAY_PORT');
  const provider = config.providers.find(
    (p) => p.name === SANDBOX_PROVIDER && p.scheme === 'standard-webhooks',
  );
  if (provider === undefined) {
    logger.warn(
      `no standard-webhooks provider named "${SANDBOX_PROVIDER}" is configured: ` +
        'the sandbox gateway will send no webhooks',
    );
  }
  const sandbox = await startSandboxGateway({
    port: env.sandboxGatewayPort,
    apiKey: config.gateway.apiKey,
    ...(provider && {
      webhook: {
        url: `http://127.0.0.1:${env.port}/webhooks/${SANDBOX_PROVIDER}`,
        secret: provider.secrets[0],
      },
    }),
    faults: { duplicateWebhookRate: 0.1, earlyWebhookRate: 0.2 },
    log: (message, fields) => logger.info({ ...fields, component: 'sandbox-gateway' }, message),
  });
  logger.info({ url: sandbox.url }, 'sandbox gateway listening');
  return sandbox;
}
