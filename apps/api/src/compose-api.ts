import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadLedgerConfig, type LedgerConfig, type LedgerEnv } from '@ledger/config';
import type { LedgerStorage } from '@ledger/event-store';
import { HttpPaymentGateway, type PaymentGateway } from '@ledger/outbound';
import { DynamoDbRequestIdempotency, PaymentCommands } from '@ledger/payments';
import {
  createLivePaymentDocuments,
  DynamoDbPaymentDocuments,
  DynamoDbReadModelGenerations,
  PaymentQueries,
} from '@ledger/projections';
import {
  DynamoDbReplayJobs,
  LocalBusReplayDelivery,
  republish,
  ruleSelector,
} from '@ledger/replay';
import { join } from 'node:path';
import { rulesFromTemplate } from '@ledger/bus';
import { repoRoot } from '@ledger/config';
import { ReplayService, type ReplayRunner } from './admin/replay.service';
import type { Logger } from '@ledger/observability';
import {
  DynamoDbDeliveryStats,
  ProviderRegistry,
  RejectionRecorder,
  WebhookReceiver,
} from '@ledger/webhooks';
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
    createGateway(config, env),
    eventBridge,
  );
  if (localBusUrl !== undefined) {
    deps.replays.enableRepublish(
      localRepublisher(
        storage,
        new LocalBusReplayDelivery(localBusUrl),
        join(repoRoot(), 'template.yaml'),
      ),
    );
  }
  return createApiApp(deps);
}

/** Republish jobs delivered through the local bus, to the rule template.yaml names. */
function localRepublisher(
  storage: LedgerStorage,
  delivery: LocalBusReplayDelivery,
  templatePath: string,
): ReplayRunner {
  const rules = rulesFromTemplate(templatePath);
  return (job) =>
    republish({
      store: storage.eventStore,
      delivery,
      jobs: new DynamoDbReplayJobs(storage.dynamoDb, storage.tables.meta),
      job,
      selects: ruleSelector(rules, job.target ?? ''),
    });
}

/** The gateway client: the configured gateway, or the sandbox `ledger start` runs. */
export function createGateway(config: LedgerConfig, env: LedgerEnv): PaymentGateway {
  return new HttpPaymentGateway({
    baseUrl: config.gateway.baseUrl ?? `http://127.0.0.1:${env.sandboxGatewayPort}`,
    apiKey: config.gateway.apiKey,
  });
}

/** The API's adapters for one configuration and storage. */
export function buildApiDependencies(
  config: LedgerConfig,
  storage: LedgerStorage,
  logger: Logger,
  gateway: PaymentGateway,
  eventBridge: EventBridgeClient,
  clock: () => Date = () => new Date(),
): ApiDependencies {
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
  return {
    dynamoDb: storage.dynamoDb,
    tables: storage.tables,
    eventStore: storage.eventStore,
    config,
    logger,
    clock,
    webhookReceiver,
    rejectionRecorder,
    gateway,
    eventBridge,
    replays: new ReplayService({
      store: storage.eventStore,
      jobs: new DynamoDbReplayJobs(storage.dynamoDb, storage.tables.meta),
      generations: new DynamoDbReadModelGenerations(storage.dynamoDb, storage.tables.meta),
      documentsOf: (generation) =>
        new DynamoDbPaymentDocuments(storage.dynamoDb, storage.tables.readModels, generation),
      logger,
      clock,
    }),
    paymentQueries: new PaymentQueries(
      createLivePaymentDocuments(storage.dynamoDb, storage.tables),
      storage.eventStore,
    ),
    paymentCommands: new PaymentCommands(
      storage.eventStore,
      gateway,
      new DynamoDbRequestIdempotency(storage.dynamoDb, storage.tables.idempotency, { clock }),
      clock,
    ),
  };
}
