import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadLedgerConfig, tenantGateway, type LedgerConfig, type LedgerEnv } from '@ledger/config';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { HttpPaymentGateway, TenantGateways } from '@ledger/outbound';
import {
  PaymentWorkflow,
  ReconcilePaymentHandler,
  RequestPaymentHandler,
  RequestRefundHandler,
} from '@ledger/payments';
import { DynamoDbRequestIdempotency } from '@ledger/payments/aws';
import {
  GetPaymentHandler,
  GetPaymentHistoryHandler,
  ListPaymentsHandler,
} from '@ledger/projections';
import {
  createLivePaymentDocuments,
  DynamoDbPaymentDocuments,
  DynamoDbReadModelGenerations,
} from '@ledger/projections/aws';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetReplayJobHandler,
  StartReplayHandler,
  LocalBusReplayDelivery,
  type ReplayDelivery,
  type ReplayJob,
} from '@ledger/replay';
import {
  replayJobRunner,
  replayWorkerDispatcher,
  DynamoDbReplayJobs,
  awsReplayDelivery,
} from '@ledger/replay/aws';
import { ledgerTemplateRules, type BusRule } from '@ledger/bus';
import type { Logger } from '@ledger/observability';
import {
  ProviderRegistry,
  ReceiveWebhookHandler,
  RejectionRecorder,
  WebhookReceiver,
} from '@ledger/webhooks';
import { DynamoDbDeliveryStats } from '@ledger/webhooks/aws';
import type { ApiDependencies } from './api-dependencies';
import { createApiApp } from './create-api-app';

/** Builds the API from the environment and already-connected storage: the composition root. */
export function composeApi(
  env: LedgerEnv,
  storage: LedgerStorage,
  logger: Logger,
  eventBridge: EventBridgeClient,
  /** The local bus, where republish delivers to one rule's target (the local stack only). */
  localBusUrl?: string,
): Promise<NestFastifyApplication> {
  const config = loadLedgerConfig(env.configPath);
  const deps = buildApiDependencies(
    config,
    storage,
    logger,
    createGateways(config, env),
    eventBridge,
    undefined,
    replayOptions(env, eventBridge, localBusUrl),
  );
  return createApiApp(deps);
}

/** Where admin-API replays run and deliver: see {@link ApiReplayOptions}. */
export interface ApiReplayOptions {
  republish?: { delivery: ReplayDelivery; rules: readonly BusRule[] };
  dispatch?: (job: ReplayJob) => Promise<void>;
}

/**
 * Locally, republish goes through the local bus and jobs run in the API process. In AWS
 * (LEDGER_STACK_NAME set), republish invokes the rule's target functions, and with
 * REPLAY_WORKER_FUNCTION jobs go to the replay worker, since a Lambda function is frozen between
 * requests.
 */
function replayOptions(
  env: LedgerEnv,
  eventBridge: EventBridgeClient,
  localBusUrl: string | undefined,
): ApiReplayOptions {
  const lambda = (): LambdaClient => new LambdaClient({});
  const options: ApiReplayOptions = {};
  if (localBusUrl !== undefined) {
    options.republish = {
      delivery: new LocalBusReplayDelivery(localBusUrl),
      rules: ledgerTemplateRules(),
    };
  } else if (env.stackName !== undefined && env.replayWorkerFunction === undefined) {
    // With a worker, the worker delivers; this process only hands jobs over.
    options.republish = {
      delivery: awsReplayDelivery({
        eventBridge,
        lambda: lambda(),
        stackName: env.stackName,
        eventBusName: env.eventBusName,
      }),
      rules: ledgerTemplateRules(),
    };
  }
  if (env.replayWorkerFunction !== undefined) {
    options.dispatch = replayWorkerDispatcher(lambda(), env.replayWorkerFunction);
  }
  return options;
}

/**
 * One gateway client per tenant, each for the tenant's own account and with its own circuit
 * breaker; a null `baseUrl` is the sandbox `ledger start` runs (which hosts every account).
 */
export function createGateways(config: LedgerConfig, env: LedgerEnv): TenantGateways {
  return new TenantGateways(
    new Map(
      config.tenants.map((tenant) => {
        const account = tenantGateway(tenant);
        return [
          tenant.id,
          new HttpPaymentGateway({
            baseUrl: account.baseUrl ?? `http://127.0.0.1:${env.sandboxGatewayPort}`,
            apiKey: account.apiKey,
          }),
        ];
      }),
    ),
  );
}

/** The API's adapters for one configuration and storage. */
export function buildApiDependencies(
  config: LedgerConfig,
  storage: LedgerStorage,
  logger: Logger,
  gateways: TenantGateways,
  eventBridge: EventBridgeClient,
  clock: () => Date = () => new Date(),
  replays: ApiReplayOptions = {},
): ApiDependencies {
  if (config.api.cursorKey === undefined) {
    logger.warn(
      'api.cursorKey is not configured: list cursors are valid in this process only; ' +
        "set it (an env: reference) so that instances accept each other's cursors",
    );
  }
  const jobs = new DynamoDbReplayJobs(storage.dynamoDb, storage.tables.meta);
  const rejectionRecorder = new RejectionRecorder(storage.eventStore, {
    ratePerSecond: config.webhooks.rejectionAuditPerSecond,
    burst: config.webhooks.rejectionAuditBurst,
    clock,
    onError: (error) => logger.warn({ err: error }, 'could not record a webhook rejection'),
  });
  const webhookReceiver = new WebhookReceiver(
    storage.eventStore,
    new ProviderRegistry(config.providers, clock),
    new DynamoDbDeliveryStats(storage.dynamoDb, storage.tables.meta),
    rejectionRecorder,
    clock,
  );
  const payments = new PaymentWorkflow(
    storage.eventStore,
    (tenantId) => gateways.for(tenantId),
    new DynamoDbRequestIdempotency(storage.dynamoDb, storage.tables.idempotency, { clock }),
    clock,
  );
  const liveDocuments = createLivePaymentDocuments(storage.dynamoDb, storage.tables);
  return {
    dynamoDb: storage.dynamoDb,
    tables: storage.tables,
    eventStore: storage.eventStore,
    config,
    logger,
    clock,
    webhookReceiver,
    rejectionRecorder,
    gateways,
    eventBridge,
    handlers: {
      requestPayment: new RequestPaymentHandler(payments),
      requestRefund: new RequestRefundHandler(payments),
      reconcilePayment: new ReconcilePaymentHandler(payments),
      receiveWebhook: new ReceiveWebhookHandler(webhookReceiver),
      startReplay: new StartReplayHandler({
        jobs,
        run: replayJobRunner({
          store: storage.eventStore,
          jobs,
          generations: new DynamoDbReadModelGenerations(storage.dynamoDb, storage.tables.meta),
          documentsOf: (generation) =>
            new DynamoDbPaymentDocuments(storage.dynamoDb, storage.tables.readModels, generation),
          republish: replays.republish,
        }),
        dispatch: replays.dispatch,
        tenantIds: config.tenants.map((tenant) => tenant.id),
        onFailure: (error, replayId) => logger.error({ err: error, replayId }, 'replay failed'),
        clock,
      }),
      getPayment: new GetPaymentHandler(liveDocuments),
      getPaymentHistory: new GetPaymentHistoryHandler(storage.eventStore),
      listPayments: new ListPaymentsHandler(liveDocuments, config.api.cursorKey),
      getReplayJob: new GetReplayJobHandler(jobs),
    },
  };
}
