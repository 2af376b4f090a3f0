import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { translateStoreError } from '@ledger/event-store';
import type {
  CorrelationIndex,
  CorrelationRef,
  PendingDelivery,
} from '../correlate-delivery/correlation-index.port';

const partitionOf = (tenantId: string, ref: CorrelationRef): string =>
  `correlation#${tenantId}#${ref.kind}#${ref.value}`;
const LINK = 'link';
const PENDING = 'pending#';

/**
 * The correlation index in the meta table: one partition per reference, holding the payment it
 * links to (sort key `link`) and the deliveries waiting for it (`pending#<eventId>`).
 */
export class DynamoDbCorrelationIndex implements CorrelationIndex {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async link(tenantId: string, ref: CorrelationRef, paymentId: string): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: partitionOf(tenantId, ref) },
            sk: { S: LINK },
            paymentId: { S: paymentId },
          },
        }),
      )
      .catch(translateStoreError);
  }

  async resolve(tenantId: string, ref: CorrelationRef): Promise<string | undefined> {
    const { Item } = await this.client
      .send(
        new GetItemCommand({
          TableName: this.table,
          Key: { pk: { S: partitionOf(tenantId, ref) }, sk: { S: LINK } },
          ConsistentRead: true,
        }),
      )
      .catch(translateStoreError);
    return Item?.paymentId?.S;
  }

  async addPending(
    tenantId: string,
    ref: CorrelationRef,
    delivery: PendingDelivery,
  ): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: partitionOf(tenantId, ref) },
            sk: { S: `${PENDING}${delivery.deliveryEventId}` },
            deliveryStreamId: { S: delivery.deliveryStreamId },
            deliveryEventId: { S: delivery.deliveryEventId },
          },
        }),
      )
      .catch(translateStoreError);
  }

  async pendingFor(tenantId: string, ref: CorrelationRef): Promise<PendingDelivery[]> {
    const { Items } = await this.client
      .send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pending)',
          ExpressionAttributeValues: {
            ':pk': { S: partitionOf(tenantId, ref) },
            ':pending': { S: PENDING },
          },
          ConsistentRead: true,
        }),
      )
      .catch(translateStoreError);
    return (Items ?? []).map((item) => ({
      deliveryStreamId: item.deliveryStreamId.S as string,
      deliveryEventId: item.deliveryEventId.S as string,
    }));
  }

  async removePending(
    tenantId: string,
    ref: CorrelationRef,
    deliveryEventId: string,
  ): Promise<void> {
    await this.client
      .send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: {
            pk: { S: partitionOf(tenantId, ref) },
            sk: { S: `${PENDING}${deliveryEventId}` },
          },
        }),
      )
      .catch(translateStoreError);
  }
}
