import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { ConfigError, readLedgerEnv } from '@ledger/config';
import { openLedgerStorage } from '@ledger/ledger/aws';
import { createLogger } from '@ledger/observability';
import { createLambdaStreamHandler, DynamoDbParkingLot } from '@ledger/stream-consumer/aws';
import { buildConsumers } from './consumers';

/**
 * One Lambda function per consumer (template.yaml sets CONSUMER_NAME), each with its own
 * DynamoDB-stream event source mapping and so its own position in the stream.
 */
function createHandler(): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const env = readLedgerEnv();
  const logger = createLogger(env.logLevel);
  const storage = openLedgerStorage({
    endpoint: env.dynamoDbEndpoint,
    tablePrefix: env.tablePrefix,
  });
  const name = process.env.CONSUMER_NAME;
  const consumer = buildConsumers({
    storage,
    logger,
    eventBridge: createEventBridgeClient(env.eventBridgeEndpoint),
    eventBusName: env.eventBusName,
  }).find((c) => c.name === name);
  if (consumer === undefined) {
    throw new ConfigError(`CONSUMER_NAME names no known consumer: ${String(name)}`);
  }
  return createLambdaStreamHandler(
    consumer,
    new DynamoDbParkingLot(storage.dynamoDb, storage.tables.meta),
    { upcasters: storage.upcasters },
  );
}

let handlerInstance: ReturnType<typeof createHandler> | undefined;

export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  handlerInstance ??= createHandler();
  return handlerInstance(event);
};
