import awsLambdaFastify, { type PromiseHandler } from '@fastify/aws-lambda';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { readLedgerEnv } from '@ledger/config';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import { composeApi } from './compose-api';

let proxy: Promise<PromiseHandler> | undefined;

async function createProxy(): Promise<PromiseHandler> {
  const env = readLedgerEnv();
  const logger = createLogger(env.logLevel);
  const storage = openLedgerStorage({
    endpoint: env.dynamoDbEndpoint,
    tablePrefix: env.tablePrefix,
  });
  const app = await composeApi(
    env,
    storage,
    logger,
    createEventBridgeClient(env.eventBridgeEndpoint),
  );
  return awsLambdaFastify(app.getHttpAdapter().getInstance());
}

/** API Gateway (HTTP API) entry point; the Nest app is built once per execution environment. */
export const handler: PromiseHandler = async (event, context) => {
  proxy ??= createProxy();
  return (await proxy)(event, context);
};
