import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createLambdaStreamHandler } from '@ledger/stream-consumer/aws';
import { composeConsumerLambda } from './composition/consumer-lambda.root';

/**
 * One Lambda function per consumer (template.yaml sets CONSUMER_NAME), each with its own
 * DynamoDB-stream event source mapping and so its own position in the stream.
 */
function createHandler(): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const root = composeConsumerLambda(process.env.CONSUMER_NAME);
  return createLambdaStreamHandler(root.consumer, root.parkingLot, { upcasters: root.upcasters });
}

let handlerInstance: ReturnType<typeof createHandler> | undefined;

export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  handlerInstance ??= createHandler();
  return handlerInstance(event);
};
