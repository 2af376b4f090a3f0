import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClientFor } from '@ledger/event-store/aws';
import type { DeliveryArrivals, DeliveryStats } from '../receive-webhook/delivery-stats.port';

const keyOf = (streamId: string) => ({ pk: `delivery-arrivals#${streamId}`, sk: 'arrivals' });

/**
 * Repeat counts in the meta table: an atomic ADD per repeat, so concurrent duplicates never lose
 * a count. The first arrival is the event itself; the item exists only once a repeat came.
 */
export class DynamoDbDeliveryStats implements DeliveryStats {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  async recordRepeat(deliveryStreamId: string, at: string, sameBody: boolean): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keyOf(deliveryStreamId),
        UpdateExpression: 'ADD repeats :one, conflictingBodies :conflict SET lastArrivalAt = :at',
        ExpressionAttributeValues: { ':one': 1, ':conflict': sameBody ? 0 : 1, ':at': at },
      }),
    );
  }

  async get(deliveryStreamId: string): Promise<DeliveryArrivals | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: keyOf(deliveryStreamId), ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    return {
      arrivals: 1 + Number(Item.repeats ?? 0),
      lastArrivalAt: (Item.lastArrivalAt as string | undefined) ?? '',
      conflictingBodies: Number(Item.conflictingBodies ?? 0),
    };
  }
}
