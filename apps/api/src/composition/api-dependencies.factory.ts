import { LambdaClient } from '@aws-sdk/client-lambda';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ledgerTemplateRules, type BusRule } from '@ledger/bus';
import { busAdapters, redriveDeadLetters } from '@ledger/bus/aws';
import type { LedgerConfig, LedgerEnv } from '@ledger/config';
import type { LedgerStorage } from '@ledger/event-store/aws';
import type { Logger } from '@ledger/observability';
import { createTenantGateways, type TenantGateways } from '@ledger/outbound';
import {
  PaymentWorkflow,
  ReconcilePaymentHandler,
  RequestPaymentBatchHandler,
  RequestPaymentHandler,
  RequestRefundHandler,
  reconcileJobRunner,
} from '@ledger/payments';
import { paymentAdapters } from '@ledger/payments/aws';
import {
  GetPaymentHandler,
  GetPaymentHistoryHandler,
  ListPaymentsHandler,
} from '@ledger/projections';
import { projectionAdapters } from '@ledger/projections/aws';
import {
  GetReplayJobHandler,
  ListReplayJobsHandler,
  StartReplayHandler,
  LocalBusReplayDelivery,
  replayJobRunner,
  type ReplayDelivery,
  type ReplayJob,
} from '@ledger/replay';
import { awsReplayDelivery, replayAdapters, replayWorkerDispatcher } from '@ledger/replay/aws';
import {
  ProviderRegistry,
  ReceiveWebhookHandler,
  RejectionRecorder,
  WebhookReceiver,
} from '@ledger/webhooks';
import { webhookAdapters } from '@ledger/webhooks/aws';
import { streamConsumerAdapters } from '@ledger/stream-consumer/aws';
import { ConsoleSessions } from '../console/console-session';
import type { ApiDependencies } from '../api-dependencies';
import { DynamoDbStorageProbe } from '../infrastructure/dynamodb-storage-probe';
import { EventBridgeBusProbe } from '../infrastructure/event-bridge-bus-probe';
import { UnsettledBacklogProbe } from '../health/unsettled-backlog.probe';

/** Where admin-API replays run and deliver: see {@link apiReplayOptions}. */
export interface ApiReplayOptions {
  republish?: { delivery: ReplayDelivery; rules: readonly BusRule[] };
  dispatch?: (job: ReplayJob) => Promise<void>;
}

/** What {@link buildApiDependencies} builds the API on. */
export interface ApiDependencyOptions {
  config: LedgerConfig;
  /** The ledger's storage; every port the API uses is built on it. */
  storage: LedgerStorage;
  logger: Logger;
  /** Each tenant's gateway client. */
  gateways: TenantGateways;
  /** The bus /health probes. */
  eventBridge: EventBridgeClient;
  clock?: () => Date;
  /** Default: replays run in this process, with no re-delivery adapter. */
  replays?: ApiReplayOptions;
}

/**
 * Locally, republish goes through the local bus and jobs run in the API process. In AWS
 * (LEDGER_RULE_ARNS set), republish invokes the rule's target functions, and with
 * REPLAY_WORKER_FUNCTION jobs go to the replay worker, since a Lambda function is frozen between
 * requests.
 */
export function apiReplayOptions(
  env: LedgerEnv,
  eventBridge: EventBridgeClient,
  /** The local bus, where republish delivers to one rule's target (the local stack only). */
  localBusUrl?: string,
): ApiReplayOptions {
  const lambda = (): LambdaClient => new LambdaClient({});
  const options: ApiReplayOptions = {};
  if (localBusUrl !== undefined) {
    options.republish = {
      delivery: new LocalBusReplayDelivery(localBusUrl),
      rules: ledgerTemplateRules(),
    };
  } else if (env.ruleArns !== undefined && env.replayWorkerFunction === undefined) {
    // With a worker, the worker delivers; this process only hands jobs over.
    options.republish = {
      delivery: awsReplayDelivery({
        eventBridge,
        lambda: lambda(),
        ruleArns: env.ruleArns,
      }),
      rules: ledgerTemplateRules(),
    };
  }
  if (env.replayWorkerFunction !== undefined) {
    options.dispatch = replayWorkerDispatcher(lambda(), env.replayWorkerFunction);
  }
  return options;
}

/** One gateway client per tenant (see `createTenantGateways`, which the charger shares). */
export function createGateways(config: LedgerConfig, env: LedgerEnv): TenantGateways {
  return createTenantGateways(config, env);
}

/** The API's ports and handlers for one configuration and storage (shared by its roots and tests). */
export function buildApiDependencies(options: ApiDependencyOptions): ApiDependencies {
  const { config, storage, logger, gateways, eventBridge, replays = {} } = options;
  const clock = options.clock ?? (() => new Date());
  if (config.api.cursorKey === undefined) {
    logger.warn(
      'api.cursorKey is not configured: list cursors are valid in this process only; ' +
        "set it (an env: reference) so that instances accept each other's cursors",
    );
  }
  const { jobs } = replayAdapters(storage);
  const projections = projectionAdapters(storage);
  const rejectionRecorder = new RejectionRecorder(storage.eventStore, {
    ratePerSecond: config.webhooks.rejectionAuditPerSecond,
    burst: config.webhooks.rejectionAuditBurst,
    clock,
    onError: (error) => logger.warn({ err: error }, 'could not record a webhook rejection'),
  });
  const webhookReceiver = new WebhookReceiver(
    storage.eventStore,
    new ProviderRegistry(config.providers, clock),
    webhookAdapters(storage).deliveryStats,
    rejectionRecorder,
    clock,
  );
  const payments = new PaymentWorkflow(
    storage.eventStore,
    (tenantId) => gateways.for(tenantId),
    paymentAdapters(storage, { clock }).requestIdempotency,
    clock,
  );
  const reconcilePayment = new ReconcilePaymentHandler(payments);
  const liveDocuments = projections.liveDocuments();
  const consumers = streamConsumerAdapters(storage);
  const deadLetters = busAdapters(storage).deadLetters;
  return {
    eventStore: storage.eventStore,
    config,
    logger,
    clock,
    webhookReceiver,
    rejectionRecorder,
    gateways,
    probes: {
      storage: DynamoDbStorageProbe.of(storage),
      bus: new EventBridgeBusProbe(eventBridge),
      backlog: new UnsettledBacklogProbe(() => projections.unsettledPayments(), clock),
    },
    console: {
      sessions: new ConsoleSessions(config.api.cursorKey, clock),
      eventLog: storage.eventStore,
      deliveryStats: webhookAdapters(storage).deliveryStats,
      parkingLot: consumers.parkingLot,
      checkpoints: consumers.checkpoints,
      deadLetters,
      redriveDeadLetters: (limit) => redriveDeadLetters(deadLetters(), eventBridge, limit),
    },
    handlers: {
      requestPayment: new RequestPaymentHandler(payments),
      requestPaymentBatch: new RequestPaymentBatchHandler(new RequestPaymentHandler(payments)),
      requestRefund: new RequestRefundHandler(payments),
      reconcilePayment,
      receiveWebhook: new ReceiveWebhookHandler(webhookReceiver),
      startReplay: new StartReplayHandler({
        jobs,
        run: replayJobRunner({
          store: storage.eventStore,
          jobs,
          generations: projections.generations(),
          documentsOf: projections.documentsOf,
          republish: replays.republish,
          // A bulk reconcile asks through the same handler as POST /payments/{id}/reconcile.
          reconcile: reconcileJobRunner({
            jobs,
            candidates: projections.unsettledPayments(),
            reconciler: reconcilePayment,
            breakerOf: (tenantId) => gateways.for(tenantId).circuitState(),
            clock,
          }),
        }),
        dispatch: replays.dispatch,
        tenantIds: config.tenants.map((tenant) => tenant.id),
        ruleNames: ledgerTemplateRules().map((rule) => rule.name),
        onFailure: (error, replayId) => logger.error({ err: error, replayId }, 'replay failed'),
        clock,
      }),
      getPayment: new GetPaymentHandler(liveDocuments),
      getPaymentHistory: new GetPaymentHistoryHandler(storage.eventStore),
      listPayments: new ListPaymentsHandler(liveDocuments, config.api.cursorKey),
      getReplayJob: new GetReplayJobHandler(jobs),
      listReplayJobs: new ListReplayJobsHandler(jobs),
    },
  };
}

/** What an API root returns: the ports the Nest module provides, and how to release them. */
export interface ApiRoot {
  dependencies: ApiDependencies;
  /** Releases the clients the root opened itself (not those it was handed); after the app closes. */
  close(): Promise<void>;
}
