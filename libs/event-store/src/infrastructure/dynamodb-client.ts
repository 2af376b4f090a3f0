import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { attachOpLogFromEnv } from './dynamodb-op-log';

/** Credentials DynamoDB Local accepts (letters and digits only); never sent to AWS. */
const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface DynamoDbClientConfig {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
  requestHandler?: { connectionTimeout: number; requestTimeout: number };
}

/**
 * Client settings for `endpoint` (DynamoDB Local, with its fixed credentials) or, when it is
 * undefined, for AWS with the default credential chain and region. Shared by the DynamoDB and
 * DynamoDB Streams clients.
 */
export function dynamoDbClientConfig(
  endpoint?: string,
  options: { maxAttempts?: number } = {},
): DynamoDbClientConfig {
  // Without these the SDK waits on a hung connection indefinitely; a webhook must get its 503.
  // @debt This SDK version only warns when requestTimeout passes unless throwOnRequestTimeout
  // is set; turning that on made bursts on a loaded DynamoDB Local fail, so a hung (not refused)
  // connection still waits. Decide the timeout per call path (webhook ack vs replays) first.
  const requestHandler = { connectionTimeout: 1000, requestTimeout: 5000 };
  if (endpoint === undefined) return { requestHandler, ...options };
  return {
    requestHandler,
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    ...options,
  };
}

export function createDynamoDbClient(
  endpoint?: string,
  options: { maxAttempts?: number } = {},
): DynamoDBClient {
  const client = new DynamoDBClient(dynamoDbClientConfig(endpoint, options));
  // The bench's opt-in request count (LEDGER_DYNAMODB_OP_LOG); nothing when unset.
  attachOpLogFromEnv(client);
  return client;
}
