import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createLambdaStreamHandler } from '@ledger/stream-consumer/aws';
import { composeConsumerLambda } from './composition/consumer-lambda.root';

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * One Lambda function per consumer (template.yaml sets CONSUMER_NAME), each with its own
 * DynamoDB-stream event source mapping and so its own position in the stream.
 */
async function createHandler(): Promise<StreamHandler> {
  const root = await composeConsumerLambda(process.env.CONSUMER_NAME);
  return createLambdaStreamHandler(root.consumer, root.parkingLot, { upcasters: root.upcasters });
}

/** Composed once per execution environment (the correlator reads its configuration then). */
let handlerInstance: Promise<StreamHandler> | undefined;

function composedHandler(): Promise<StreamHandler> {
  if (handlerInstance === undefined) {
    const created = createHandler();
    handlerInstance = created;
    // A composition that failed (the configuration unreadable for a moment) is tried again by
    // the next invocation, the batch's retry, rather than failing every batch of this environment.
    created.catch(() => {
      if (handlerInstance === created) handlerInstance = undefined;
    });
  }
  return handlerInstance;
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
  (await composedHandler())(event);
