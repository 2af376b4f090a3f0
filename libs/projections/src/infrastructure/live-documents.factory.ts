import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LivePaymentDocuments } from '../payment-view/live-payment-documents';
import { DynamoDbPaymentDocuments } from './dynamodb-payment-documents';
import { DynamoDbReadModelGenerations } from './dynamodb-read-model-generations';

/** The live payments read model on DynamoDB, following the generation pointer in the meta table. */
export function createLivePaymentDocuments(
  client: DynamoDBClient,
  tables: { readModels: string; meta: string },
): LivePaymentDocuments {
  return new LivePaymentDocuments(
    new DynamoDbReadModelGenerations(client, tables.meta),
    (generation) => new DynamoDbPaymentDocuments(client, tables.readModels, generation),
  );
}
