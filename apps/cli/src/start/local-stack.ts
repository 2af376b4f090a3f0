import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ledgerTemplateRules } from '@ledger/bus';
import { createEventBridgeClient } from '@ledger/bus/aws';
import {
  loadLedgerConfig,
  reachableHost,
  tenantGateway,
  type LedgerConfig,
  type LedgerEnv,
  type ProviderConfig,
  type TenantConfig,
} from '@ledger/config';
import { startLocalBus } from '@ledger/local-bus';
import { createReceiptsHandler, DynamoDbReceiptStore } from '@ledger/payment-receipts';
import {
  startSandboxGateway,
  type RunningSandboxGateway,
  type SandboxAccountOptions,
} from '@ledger/sandbox-gateway';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import {
  assertPortFree,
  startDynamoDbLocal,
  type RunningDynamoDbLocal,
} from '@ledger/local-engine';
import type { Logger } from '@ledger/observability';
import { createDynamoDbStreamsClient } from '@ledger/stream-consumer/aws';
import {
  composeApiServer,
  composePaymentSweeper,
  createApiApp,
  createGateways,
  listenApi,
  startSweeperTimer,
} from '@ledger/api-app';
import {
  buildConsumers,
  startLocalStreamProcessor,
  type LocalStreamProcessor,
} from '@ledger/stream-processor-app';
import { ensureLedgerTables } from '../infrastructure/ledger-tables';

/** The provider whose webhooks the local sandbox gateway signs and sends. */
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
        host: env.host,
        dataDir: env.dataDir,
      });
      stops.push(() => engine!.stop());
      logger.info(
        { endpoint: engine.endpoint, address: engine.address, dataDir: env.dataDir },
        'DynamoDB Local started',
      );
    }
    const endpoint = env.dynamoDbEndpoint ?? engine?.endpoint;
    const storage = openLedgerStorage(env, endpoint);
    stops.push(() => Promise.resolve(closeLedgerStorage(storage)));
    await ensureLedgerTables(storage);

    const busEndpoint =
      env.eventBridgeEndpoint ?? (await startLocalBusFor(env, storage, logger, stops));
    const eventBridge = createEventBridgeClient(busEndpoint);
    stops.push(() => Promise.resolve(eventBridge.destroy()));

    const streams = createDynamoDbStreamsClient(endpoint);
    stops.push(() => Promise.resolve(streams.destroy()));
    const processor: LocalStreamProcessor = await startLocalStreamProcessor({
      storage,
      streams,
      consumers: buildConsumers({
        storage,
        logger,
        eventBridge,
        eventBusName: env.eventBusName,
        providers: config.providers,
        // The charger's own clients (its own breakers), as a separate process would have.
        gateways: createGateways(config, env),
      }),
      logger,
    });
    stops.push(() => processor.stop());
    logger.info({ consumers: processor.consumers }, 'stream processor running');

    if (config.tenants.some(hasLocalSandboxAccount)) {
      const sandbox = await startLocalSandbox(config, env, logger);
      stops.push(() => sandbox.stop());
    }

    // The API server's root, on the storage and bus this process shares; it owns nothing to close.
    const apiRoot = composeApiServer({
      env,
      logger,
      storage,
      eventBridge,
      localBusUrl: env.eventBridgeEndpoint === undefined ? busEndpoint : undefined,
    });
    stops.push(() => apiRoot.close());
    const api: NestFastifyApplication = await createApiApp(apiRoot.dependencies);
    stops.push(() => api.close());
    const listening = await listenApi(api, env.port, env.host);
    const apiUrl = listening.url;
    logger.info(listening, 'api listening');

    const { sweeper } = config.payments;
    if (sweeper.enabled) {
      const stopSweeper = startSweeperTimer(
        composePaymentSweeper({
          config,
          storage,
          logger,
          gateways: createGateways(config, env),
        }),
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
  const receipts = createReceiptsHandler(DynamoDbReceiptStore.of(storage), {
    log: (message, fields) => logger.info({ ...fields, component: 'payment-receipts' }, message),
  });
  const bus = await startLocalBus({
    port: env.localBusPort,
    host: env.host,
    rules: ledgerTemplateRules(),
    targets: [{ name: RECEIPTS_FUNCTION, handle: (event) => receipts(event) }],
    log: (message, fields) => logger.warn({ ...fields, component: 'local-bus' }, message),
  });
  stops.push(() => bus.stop());
  logger.info({ url: bus.url, address: bus.address }, 'local bus listening');
  return bus.url;
}

/**
 * The sandbox gateway, hosting one account per tenant whose gateway has no `baseUrl`, each
 * sending its signed webhooks to its own tenant's provider; some are duplicated and some overtake
 * the HTTP answer, as real gateways' do.
 */
async function startLocalSandbox(
  config: LedgerConfig,
  env: LedgerEnv,
  logger: Logger,
): Promise<RunningSandboxGateway> {
  await assertPortFree(env.sandboxGatewayPort, 'SANDBOX_GATEWAY_PORT');
  const accounts: SandboxAccountOptions[] = [];
  for (const tenant of config.tenants) {
    if (!hasLocalSandboxAccount(tenant)) continue;
    const gateway = tenantGateway(tenant);
    const provider = webhookProviderOf(config, tenant.id, gateway.webhookProvider);
    if (provider === undefined) {
      logger.warn(
        { tenant: tenant.id },
        'the tenant has no standard-webhooks provider for its sandbox account (set ' +
          'tenants[].gateway.webhookProvider): its account will send no webhooks',
      );
    }
    accounts.push({
      apiKey: gateway.apiKey,
      ...(provider && {
        webhook: {
          url: `http://${reachableHost(env.host)}:${env.port}/webhooks/${provider.name}`,
          secret: provider.secrets[0],
        },
      }),
    });
  }
  const sandbox = await startSandboxGateway({
    port: env.sandboxGatewayPort,
    host: env.host,
    bookDir: join(env.dataDir, 'sandbox-gateway'),
    accounts,
    faults: { duplicateWebhookRate: 0.1, earlyWebhookRate: 0.2 },
    log: (message, fields) => logger.info({ ...fields, component: 'sandbox-gateway' }, message),
  });
  logger.info({ url: sandbox.url, accounts: accounts.length }, 'sandbox gateway listening');
  return sandbox;
}

/**
 * The provider a tenant's sandbox account sends to: the one named, else the tenant's only
 * standard-webhooks provider (the sandbox signs with Standard Webhooks).
 */
function webhookProviderOf(
  config: LedgerConfig,
  tenantId: string,
  named: string | undefined,
): ProviderConfig | undefined {
  const candidates = config.providers.filter(
    (p) =>
      p.tenant === tenantId &&
      p.scheme === 'standard-webhooks' &&
      (named === undefined || p.name === named),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * Whether the tenant's account is one the local sandbox gateway hosts: a `sandbox` account with
 * no `baseUrl`. A `stripe` account without one goes to Stripe's own API (its `baseUrl` names the
 * sandbox's Stripe mode when it should go there).
 */
function hasLocalSandboxAccount(tenant: TenantConfig): boolean {
  const gateway = tenantGateway(tenant);
  return gateway.kind === 'sandbox' && gateway.baseUrl === null;
}
