import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Credentials DynamoDB Local accepts (letters and digits only); never sent to AWS. */
const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * A DynamoDB client for `endpoint` (DynamoDB Local) or, when it is undefined, for AWS with the
 * default credential chain and region.
 */
export function createDynamoDbClient(
  endpoint?: string,
  options: { maxAttempts?: number } = {},
): DynamoDBClient {
  if (endpoint === undefined) return new DynamoDBClient({ ...options });
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    ...options,
  });
}
