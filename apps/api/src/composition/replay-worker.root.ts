import { LambdaClient } from '@aws-sdk/client-lambda';
import { ledgerTemplateRules } from '@ledger/bus';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { readLedgerEnv, type LedgerEnv } from '@ledger/config';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import { projectionAdapters } from '@ledger/projections/aws';
import {
  replayJobRunner,
  type ReplayWorkerDependencies,
  type ReplayWorkerEvent,
} from '@ledger/replay';
import { awsReplayDelivery, replayAdapters, replayWorkerDispatcher } from '@ledger/replay/aws';

/** What the replay worker's function runs on, and how to release it. */
export interface ReplayWorkerRoot {
  /** The worker's ports; each invocation adds its own owner and continuation. */
  dependencies: Omit<ReplayWorkerDependencies, 'continueLater' | 'owner'>;
  /** Hands a job on to the function `functionArn` (the worker itself), asynchronously. */
  dispatcherFor(functionArn: string): (event: ReplayWorkerEvent) => Promise<void>;
  close(): Promise<void>;
}

/**
 * The composition root of the replay worker function (template.yaml: ReplayWorkerFunction):
 * the replay records and read model on the ledger's storage, and, in a stack, republish to the
 * deployed rules' targets. `opened`: a storage the caller opened and closes (a spec's);
 * by default the one the environment names.
 */
export function composeReplayWorker(
  env: LedgerEnv = readLedgerEnv(),
  opened?: LedgerStorage,
): ReplayWorkerRoot {
  const logger = createLogger(env.logLevel);
  const storage = opened ?? openLedgerStorage(env);
  const { jobs } = replayAdapters(storage);
  const projections = projectionAdapters(storage);
  const lambda = new LambdaClient({});
  const eventBridge = createEventBridgeClient(env.eventBridgeEndpoint);
  const run = replayJobRunner({
    store: storage.eventStore,
    jobs,
    generations: projections.generations(),
    documentsOf: projections.documentsOf,
    ...(env.ruleArns !== undefined && {
      republish: {
        delivery: awsReplayDelivery({
          eventBridge,
          lambda,
          ruleArns: env.ruleArns,
        }),
        rules: ledgerTemplateRules(),
      },
    }),
  });
  return {
    dependencies: {
      jobs,
      leases: jobs,
      run,
      log: (message, fields) => logger.warn(fields, message),
    },
    dispatcherFor: (functionArn) => replayWorkerDispatcher(lambda, functionArn),
    close: () => {
      lambda.destroy();
      eventBridge.destroy();
      if (opened === undefined) closeLedgerStorage(storage);
      return Promise.resolve();
    },
  };
}
