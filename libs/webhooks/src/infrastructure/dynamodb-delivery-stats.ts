import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { translateStoreError } from '@ledger/event-store/aws';
import type { DeliveryArrivals, DeliveryStats } from '../receive-webhook/delivery-stats.port';

const keyOf = (streamId: string) => ({
  pk: { S: `delivery-arrivals#${streamId}` },
  sk: { S: 'arrivals' },
});

/**
 * Repeat counts in the meta table: an atomic ADD per repeat, so concurrent duplicates never lose
 * a count. The first arrival is the event itself; the item exists only once a repeat came.
 */
export class DynamoDbDeliveryStats implements DeliveryStats {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async recordRepeat(deliveryStreamId: string, at: string, sameBody: boolean): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: keyOf(deliveryStreamId),
          UpdateExpression: 'ADD repeats :one, conflictingBodies :conflict SET lastArrivalAt = :at',
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':conflict': { N: sameBody ? '0' : '1' },
            ':at': { S: at },
          },
        }),
      )
      .catch(translateStoreError);
  }

  async get(deliveryStreamId: string): Promise<DeliveryArrivals | undefined> {
    const { Item } = await this.client
      .send(
        new GetItemCommand({
          TableName: this.table,
          Key: keyOf(deliveryStreamId),
          ConsistentRead: true,
        }),
      )
      .catch(translateStoreError);
    if (Item === undefined) return undefined;
    return {
      arrivals: 1 + Number(Item.repeats?.N ?? 0),
      lastArrivalAt: Item.lastArrivalAt?.S ?? '',
      conflictingBodies: Number(Item.conflictingBodies?.N ?? 0),
    };
  }
}
