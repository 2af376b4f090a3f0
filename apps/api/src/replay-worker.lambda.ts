import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { ledgerTemplateRules } from '@ledger/bus';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { readLedgerEnv } from '@ledger/config';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import { DynamoDbPaymentDocuments, DynamoDbReadModelGenerations } from '@ledger/projections/aws';
import {
  replayJobRunner,
  replayWorkerDispatcher,
  workOnReplay,
  type ReplayWorkOutcome,
  type ReplayWorkerDependencies,
  type ReplayWorkerEvent,
  DynamoDbReplayJobs,
  awsReplayDelivery,
} from '@ledger/replay/aws';

/** Stop this long before the invocation's end: save the checkpoint, hand the rest on. */
const STOP_MARGIN_MS = 60_000;

let composed: {
  deps: Omit<ReplayWorkerDependencies, 'continueLater' | 'owner'>;
  lambda: LambdaClient;
};

function compose(): typeof composed {
  const env = readLedgerEnv();
  const logger = createLogger(env.logLevel);
  const storage = openLedgerStorage({
    endpoint: env.dynamoDbEndpoint,
    tablePrefix: env.tablePrefix,
  });
  const jobs = new DynamoDbReplayJobs(storage.dynamoDb, storage.tables.meta);
  const lambda = new LambdaClient({});
  const eventBridge = createEventBridgeClient(env.eventBridgeEndpoint);
  const run = replayJobRunner({
    store: storage.eventStore,
    jobs,
    generations: new DynamoDbReadModelGenerations(storage.dynamoDb, storage.tables.meta),
    documentsOf: (generation) =>
      new DynamoDbPaymentDocuments(storage.dynamoDb, storage.tables.readModels, generation),
    ...(env.stackName !== undefined && {
      republish: {
        delivery: awsReplayDelivery({
          eventBridge,
          lambda,
          stackName: env.stackName,
          eventBusName: env.eventBusName,
        }),
        rules: ledgerTemplateRules(),
      },
    }),
  });
  return {
    deps: { jobs, leases: jobs, run, log: (message, fields) => logger.warn(fields, message) },
    lambda,
  };
}

/**
 * The replay worker: runs one admin-API replay job for as long as this invocation may, then
 * invokes itself again (asynchronously) to go on from the job's checkpoint.
 */
export const handler = async (
  event: ReplayWorkerEvent,
  context: Context,
): Promise<{ replayId: string; outcome: ReplayWorkOutcome }> => {
  composed ??= compose();
  const dispatch = replayWorkerDispatcher(composed.lambda, context.invokedFunctionArn);
  const continueLater = (replayId: string): Promise<void> => dispatch({ replayId });
  const outcome = await workOnReplay(
    { ...composed.deps, owner: context.awsRequestId, continueLater },
    event.replayId,
    () => context.getRemainingTimeInMillis(),
    STOP_MARGIN_MS,
  );
  return { replayId: event.replayId, outcome };
};
