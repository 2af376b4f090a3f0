import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { dynamoDbClientConfig } from '@ledger/event-store/aws';

/** A DynamoDB Streams client for the same engine the DynamoDB client talks to. */
export function createDynamoDbStreamsClient(endpoint?: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(dynamoDbClientConfig(endpoint));
}
