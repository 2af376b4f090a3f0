import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LivePaymentDocuments } from '../payment-view/live-payment-documents';
import type { UnsettledPayments } from '../payment-view/payment-documents.port';
import { DynamoDbPaymentDocuments } from './dynamodb-payment-documents';
import { DynamoDbReadModelGenerations } from './dynamodb-read-model-generations';

/** The live payments read model on DynamoDB, following the generation pointer in the meta table. */
export function createLivePaymentDocuments(
  client: DynamoDBClient,
  tables: { readModels: string; meta: string },
  /** PAYMENT_LIST_SHARDS: the list shard count of a generation that has none recorded yet. */
  listShards?: number,
): LivePaymentDocuments {
  return new LivePaymentDocuments(
    new DynamoDbReadModelGenerations(client, tables.meta),
    (generation) => new DynamoDbPaymentDocuments(client, tables.readModels, generation, listShards),
  );
}

/** The unsettled payments of the live read-model generation (for the sweeper). */
export function createLiveUnsettledPayments(
  client: DynamoDBClient,
  tables: { readModels: string; meta: string },
): UnsettledPayments {
  const generations = new DynamoDbReadModelGenerations(client, tables.meta);
  return {
    async unsettledBefore(updatedBefore, page) {
      const { live } = await generations.current();
      return new DynamoDbPaymentDocuments(client, tables.readModels, live).unsettledBefore(
        updatedBefore,
        page,
      );
    },
  };
}
