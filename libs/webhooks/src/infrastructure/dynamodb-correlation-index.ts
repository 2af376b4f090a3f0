import {
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { translateStoreError } from '@ledger/event-store/aws';
import type {
  CorrelationIndex,
  CorrelationRef,
  LinkedPayment,
  PendingDelivery,
} from '../correlate-delivery/correlation-index.port';

const partitionOf = (tenantId: string, ref: CorrelationRef): string =>
  `correlation#${tenantId}#${ref.kind}#${ref.value}`;
const LINK = 'link';
const PENDING = 'pending#';

/**
 * The correlation index in the meta table: one partition per reference, holding the payment it
 * links to (sort key `link`; for an order id, `link#<paymentId>` per payment carrying it, with its
 * amount and currency) and the deliveries waiting for it (`pending#<eventId>`).
 */
export class DynamoDbCorrelationIndex implements CorrelationIndex {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async link(tenantId: string, ref: CorrelationRef, payment: LinkedPayment): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: partitionOf(tenantId, ref) },
            // An order id may be carried by several payments: one entry each, so they can be counted.
            sk: { S: ref.kind === 'order' ? `${LINK}#${payment.paymentId}` : LINK },
            paymentId: { S: payment.paymentId },
            ...(payment.amount !== undefined && { amount: { N: String(payment.amount) } }),
            ...(payment.currency !== undefined && { currency: { S: payment.currency } }),
          },
        }),
      )
      .catch(translateStoreError);
  }

  async linked(tenantId: string, ref: CorrelationRef, limit = 2): Promise<LinkedPayment[]> {
    const { Items } = await this.client
      .send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression:
            ref.kind === 'order'
              ? 'pk = :pk AND begins_with(sk, :link)'
              : 'pk = :pk AND sk = :link',
          ExpressionAttributeValues: {
            ':pk': { S: partitionOf(tenantId, ref) },
            ':link': { S: ref.kind === 'order' ? `${LINK}#` : LINK },
          },
          ConsistentRead: true,
          Limit: limit,
        }),
      )
      .catch(translateStoreError);
    return (Items ?? []).map((item) => ({
      paymentId: item.paymentId.S as string,
      ...(item.amount?.N !== undefined && { amount: Number(item.amount.N) }),
      ...(item.currency?.S !== undefined && { currency: item.currency.S }),
    }));
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
