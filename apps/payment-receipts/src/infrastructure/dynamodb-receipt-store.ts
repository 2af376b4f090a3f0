import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClientFor, type LedgerStorage } from '@ledger/event-store/aws';
import type { Receipt } from '../receipt';
import type { ReceiptStore } from '../receipt-store.port';

/**
 * Receipts in a DynamoDB table. The write is conditional on the event id not being there yet:
 * that one condition is the whole deduplication, so a redelivered event (EventBridge delivers at
 * least once) is recognised and skipped. A consuming team would use a table of its own; locally
 * this example uses the ledger's read-models table under its own key prefix.
 */
export class DynamoDbReceiptStore implements ReceiptStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  /** The store in a ledger storage's read-models table (the local stack, the tests). */
  static of(storage: LedgerStorage): DynamoDbReceiptStore {
    return new DynamoDbReceiptStore(storage.dynamoDb, storage.tables.readModels);
  }

  /** True when the receipt was new, false for a duplicate delivery. */
  async addOnce(receipt: Receipt): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `receipts#${receipt.tenantId}#${receipt.paymentId}`,
            sk: receipt.eventId,
            ...receipt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** A payment's receipts in the order they were received. */
  async forPayment(tenantId: string, paymentId: string): Promise<Receipt[]> {
    const { Items } = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `receipts#${tenantId}#${paymentId}` },
        ConsistentRead: true,
      }),
    );
    return (Items ?? [])
      .map((item) => item as Receipt)
      .sort(
        (a, b) =>
          a.receivedAt.localeCompare(b.receivedAt) || a.receivedSequence - b.receivedSequence,
      );
  }
}
