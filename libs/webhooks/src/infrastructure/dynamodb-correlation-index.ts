import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchGetInOrder, documentClientFor } from '@ledger/event-store/aws';
import type {
  CorrelationEntryKey,
  CorrelationIndex,
  CorrelationRef,
  LinkedPayment,
  PendingDelivery,
} from '../correlate-delivery/correlation-index.port';

const partitionOf = (tenantId: string, ref: CorrelationRef): string =>
  `correlation#${tenantId}#${ref.kind}#${ref.value}`;
const LINK = 'link';
const PENDING = 'pending#';

const toLinkedPayment = (item: Record<string, unknown>): LinkedPayment => ({
  paymentId: item.paymentId as string,
  // Number(): an amount past 2^53 reads back as a bigint, and the port promises a number.
  ...(item.amount !== undefined && { amount: Number(item.amount) }),
  ...(item.currency !== undefined && { currency: item.currency as string }),
  ...(item.linkedBy !== undefined && { linkedBy: item.linkedBy as string }),
});

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

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  async link(tenantId: string, ref: CorrelationRef, payment: LinkedPayment): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: partitionOf(tenantId, ref),
          // An order id may be carried by several payments: one entry each, so they can be counted.
          sk: ref.kind === 'order' ? `${LINK}#${payment.paymentId}` : LINK,
          paymentId: payment.paymentId,
          amount: payment.amount,
          currency: payment.currency,
          linkedBy: payment.linkedBy,
        },
      }),
    );
  }

  async linked(tenantId: string, ref: CorrelationRef, limit = 2): Promise<LinkedPayment[]> {
    const { Items } = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression:
          ref.kind === 'order' ? 'pk = :pk AND begins_with(sk, :link)' : 'pk = :pk AND sk = :link',
        ExpressionAttributeValues: {
          ':pk': partitionOf(tenantId, ref),
          ':link': ref.kind === 'order' ? `${LINK}#` : LINK,
        },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(toLinkedPayment);
  }

  async addPending(
    tenantId: string,
    ref: CorrelationRef,
    delivery: PendingDelivery,
  ): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: partitionOf(tenantId, ref),
          sk: `${PENDING}${delivery.deliveryEventId}`,
          deliveryStreamId: delivery.deliveryStreamId,
          deliveryEventId: delivery.deliveryEventId,
        },
      }),
    );
  }

  async pendingFor(tenantId: string, ref: CorrelationRef): Promise<PendingDelivery[]> {
    const { Items } = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pending)',
        ExpressionAttributeValues: { ':pk': partitionOf(tenantId, ref), ':pending': PENDING },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []).map((item) => ({
      deliveryStreamId: item.deliveryStreamId as string,
      deliveryEventId: item.deliveryEventId as string,
    }));
  }

  async entries(
    keys: readonly CorrelationEntryKey[],
  ): Promise<(LinkedPayment | PendingDelivery | undefined)[]> {
    const items = await batchGetInOrder(
      this.documents,
      this.table,
      keys.map((key) => ({
        pk: partitionOf(key.tenantId, key.ref),
        sk: key.kind === 'link' ? LINK : `${PENDING}${key.deliveryEventId}`,
      })),
      true,
    );
    return keys.map((key, i) => {
      const item = items[i];
      if (item === undefined) return undefined;
      return key.kind === 'link'
        ? toLinkedPayment(item)
        : {
            deliveryStreamId: item.deliveryStreamId as string,
            deliveryEventId: item.deliveryEventId as string,
          };
    });
  }

  async removePending(
    tenantId: string,
    ref: CorrelationRef,
    deliveryEventId: string,
  ): Promise<void> {
    await this.documents.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: partitionOf(tenantId, ref), sk: `${PENDING}${deliveryEventId}` },
      }),
    );
  }
}
