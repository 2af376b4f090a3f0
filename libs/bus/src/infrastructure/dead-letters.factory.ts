import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../dead-letters/dead-letters.port';
import { DynamoDbDeadLetters } from './dynamodb-dead-letters';
import { SqsDeadLetters } from './sqs-dead-letters';

/**
 * The publisher's dead letters: the SQS queue named by DEAD_LETTER_QUEUE_URL (the AWS deployment),
 * or, without it, the meta table (the local stack), which `ledger dead-letters` lists and redrives.
 */
export function createDeadLetters(
  dynamoDb: DynamoDBClient,
  metaTable: string,
  queueUrl: string | undefined = process.env.DEAD_LETTER_QUEUE_URL,
): DeadLetters {
  return queueUrl === undefined || queueUrl === ''
    ? new DynamoDbDeadLetters(dynamoDb, metaTable)
    : new SqsDeadLetters(new SQSClient({}), queueUrl);
}
