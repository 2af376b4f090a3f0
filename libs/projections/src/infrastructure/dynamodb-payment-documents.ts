import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '@ledger/errors';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import {
  documentClientFor,
  READ_MODEL_INDEX_NAME,
  UNSETTLED_INDEX_NAME,
} from '@ledger/event-store/aws';
import { isContradicted, isUnsettled, paymentStreamId } from '@ledger/ledger';
import type {
  GenerationDocuments,
  PaymentListPage,
  PaymentListQuery,
  UnsettledPage,
  UnsettledPayments,
} from '../payment-view/payment-documents.port';
import type { PaymentDocument } from '../payment-view/payment-view.projection';
import { InvalidCursorError } from '../queries/list-cursors';

/** The generation a fresh ledger serves; a blue/green rebuild builds the next one beside it. */
export const FIRST_GENERATION = 'g1';
const sortKeyOf = (generation: string): string => `payment#${generation}`;
/** DynamoDB's limit of items in one BatchWriteItem. */
const BATCH_WRITE_ITEMS = 25;
const BATCH_WRITE_ATTEMPTS = 8;
const listPartitionOf = (tenantId: string, generation: string): string =>
  `${tenantId}#payments#${generation}`;
/**
 * The unsettled index's partitions per generation: every payment passes through it (requested,
 * then concluded), so one partition would take all the ledger's payment writes.
 */
export const UNSETTLED_SHARDS = 4;
const unsettledPartitionOf = (generation: string, shard: number): string =>
  `unsettled#${generation}#${shard}`;
const unsettledShardOf = (paymentId: string): number =>
  createHash('sha256').update(paymentId).digest()[0] % UNSETTLED_SHARDS;

type PaymentItem = {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  tenantId: string;
  paymentId: string;
  version: number;
  status?: string;
  customerId?: string;
  createdAt?: string;
  /** Keys of the sparse unsettled index: present only while the charge is not concluded. */
  gsi2pk?: string;
  gsi2sk?: string;
  /** Present (true) only once the gateway contradicted the recorded outcome; a list filter. */
  contradicted?: true;
  /**
   * The folded state as JSON text: nothing filters on its members in DynamoDB, and one string
   * costs less to write and read than a nested map. Documents written before this were maps;
   * both are read.
   */
  state: string | PaymentDocument['state'];
};

/** One request of a BatchWriteItem, in the document client's plain values. */
type WriteRequest = { PutRequest?: { Item: Record<string, unknown> } };
type StoredKey = Record<string, unknown>;

/**
 * Payment documents of one read-model generation in the read-models table. The key is the
 * payment's stream id (and `payment#<generation>`), so another tenant's payment is simply not
 * found; GSI `gsi1` lists a tenant's payments newest first (`<tenant>#payments#<generation>`,
 * `createdAt#paymentId`). Writes are conditional on the stored version.
 */
export class DynamoDbPaymentDocuments implements GenerationDocuments, UnsettledPayments {
  private readonly sortKey: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    readonly generation: string = FIRST_GENERATION,
  ) {
    this.sortKey = sortKeyOf(generation);
  }

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  private listPartition(tenantId: string): string {
    return listPartitionOf(tenantId, this.generation);
  }

  async get(tenantId: string, paymentId: string): Promise<PaymentDocument | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: paymentStreamId(tenantId, paymentId), sk: this.sortKey },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : toDocument(Item);
  }

  async put(document: PaymentDocument, expectedVersion: number): Promise<boolean> {
    try {
      await this.documents.send(new PutCommand(this.conditionalPut(document, expectedVersion)));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * BatchWriteItem, 25 documents a request, the requests at once; what DynamoDB leaves
   * unprocessed (throttling) is sent again after a growing pause, up to 8 times.
   */
  async overwriteMany(documents: readonly PaymentDocument[]): Promise<void> {
    const requests: WriteRequest[][] = [];
    for (let i = 0; i < documents.length; i += BATCH_WRITE_ITEMS) {
      requests.push(
        documents
          .slice(i, i + BATCH_WRITE_ITEMS)
          .map((document) => ({ PutRequest: { Item: this.itemOf(document) } })),
      );
    }
    await Promise.all(requests.map((batch) => this.writeBatch(batch)));
  }

  private async writeBatch(batch: WriteRequest[]): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === BATCH_WRITE_ATTEMPTS) {
        throw new StoreUnavailableError(
          `${pending.length} read-model documents stayed unprocessed after ${attempt} batch writes`,
        );
      }
      if (attempt > 0) await sleep(Math.min(1_000, 25 * 2 ** attempt) * Math.random());
      const output = await this.documents.send(
        new BatchWriteCommand({ RequestItems: { [this.table]: pending } }),
      );
      pending = (output.UnprocessedItems?.[this.table] ?? []) as WriteRequest[];
    }
  }

  private conditionalPut(document: PaymentDocument, expectedVersion: number): PutCommandInput {
    return {
      TableName: this.table,
      Item: this.itemOf(document),
      ConditionExpression:
        expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
      ...(expectedVersion !== 0 && {
        ExpressionAttributeValues: { ':expected': expectedVersion },
      }),
    };
  }

  private itemOf(document: PaymentDocument): PaymentItem {
    const createdAt = document.state.createdAt ?? '';
    const unsettled = isUnsettled(document.state);
    const item: PaymentItem = {
      pk: paymentStreamId(document.tenantId, document.paymentId),
      sk: this.sortKey,
      gsi1pk: this.listPartition(document.tenantId),
      gsi1sk: `${createdAt}#${document.paymentId}`,
      tenantId: document.tenantId,
      paymentId: document.paymentId,
      version: document.version,
      status: document.state.status,
      customerId: document.state.customerId,
      createdAt,
      contradicted: isContradicted(document.state) ? true : undefined,
      gsi2pk: unsettled
        ? unsettledPartitionOf(this.generation, unsettledShardOf(document.paymentId))
        : undefined,
      gsi2sk: unsettled
        ? `${document.state.updatedAt ?? createdAt}#${document.tenantId}#${document.paymentId}`
        : undefined,
      state: JSON.stringify(document.state),
    };
    return item;
  }

  /**
   * Payments of every tenant whose charge is not concluded and that have not changed since
   * `updatedBefore`, from the sparse unsettled index; the shards are read one after the other.
   */
  async unsettledBefore(
    updatedBefore: string,
    page: { limit: number; cursor?: string },
  ): Promise<UnsettledPage> {
    let position: UnsettledCursor =
      page.cursor === undefined ? { shard: 0 } : decodeUnsettled(page.cursor);
    const items: UnsettledPage['items'] = [];
    while (items.length < page.limit && position.shard < UNSETTLED_SHARDS) {
      const output = await this.documents.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: UNSETTLED_INDEX_NAME,
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
          ExpressionAttributeValues: {
            ':pk': unsettledPartitionOf(this.generation, position.shard),
            ':before': updatedBefore,
          },
          Limit: page.limit - items.length,
          ...(position.key && { ExclusiveStartKey: position.key }),
        }),
      );
      for (const stored of output.Items ?? []) {
        const item = stored as PaymentItem;
        const sortKey = item.gsi2sk ?? '';
        items.push({
          tenantId: item.tenantId,
          paymentId: item.paymentId,
          status: item.status ?? 'requested',
          updatedAt: sortKey.slice(0, sortKey.indexOf('#')),
        });
      }
      position =
        output.LastEvaluatedKey === undefined
          ? { shard: position.shard + 1 }
          : { shard: position.shard, key: output.LastEvaluatedKey };
    }
    return {
      items,
      ...(position.shard < UNSETTLED_SHARDS && {
        nextCursor: Buffer.from(JSON.stringify(position)).toString('base64url'),
      }),
    };
  }

  async list(query: PaymentListQuery): Promise<PaymentListPage> {
    const filters: string[] = [];
    const values: Record<string, string> = {
      ':pk': this.listPartition(query.tenantId),
      ':lo': query.from ?? '0',
      ':hi': query.to ?? '~',
    };
    if (query.status !== undefined) {
      filters.push('#status = :status');
      values[':status'] = query.status;
    }
    if (query.customerId !== undefined) {
      filters.push('customerId = :customer');
      values[':customer'] = query.customerId;
    }
    if (query.contradicted === true) filters.push('attribute_exists(contradicted)');
    if (query.contradicted === false) filters.push('attribute_not_exists(contradicted)');
    const items: StoredKey[] = [];
    let startKey =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, this.listPartition(query.tenantId), this.sortKey);
    let exhausted = false;
    // A filter may drop items from a page: keep reading until the page is full or the end.
    while (items.length < query.limit && !exhausted) {
      const output = await this.documents.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: READ_MODEL_INDEX_NAME,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
          ...(filters.length > 0 && { FilterExpression: filters.join(' AND ') }),
          ...(query.status !== undefined && {
            ExpressionAttributeNames: { '#status': 'status' },
          }),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: query.limit,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
      exhausted = startKey === undefined;
    }
    const page = items.slice(0, query.limit);
    const last = page.at(-1);
    const more = items.length > query.limit || !exhausted;
    return {
      items: page.map(toDocument),
      nextCursor: more && last !== undefined ? encodeCursor(last) : undefined,
    };
  }
}

type UnsettledCursor = { shard: number; key?: StoredKey };

function decodeUnsettled(cursor: string): UnsettledCursor {
  const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as UnsettledCursor;
  if (!Number.isInteger(position.shard) || position.shard < 0) {
    throw new InvalidCursorError('The cursor is not a position of the unsettled index');
  }
  return position;
}

function toDocument(item: StoredKey): PaymentDocument {
  const plain = item as unknown as PaymentItem;
  return {
    tenantId: plain.tenantId,
    paymentId: plain.paymentId,
    version: Number(plain.version),
    state:
      typeof plain.state === 'string'
        ? (JSON.parse(plain.state) as PaymentDocument['state'])
        : plain.state,
  };
}

/** A cursor is the last item's keys; opaque to clients, checked against the tenant on use. */
function encodeCursor(item: StoredKey): string {
  const keys = { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk };
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/**
 * Decodes a cursor and refuses one that points outside the tenant's own partition: a forged cursor
 * can at most skip within the caller's own payments.
 */
function decodeCursor(cursor: string, partition: string, sortKey: string): StoredKey {
  const tenantId = partition.slice(0, partition.indexOf('#'));
  let keys: Record<string, unknown>;
  try {
    keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new InvalidCursorError('The cursor is malformed');
  }
  const valid =
    keys !== null &&
    typeof keys === 'object' &&
    keys.gsi1pk === partition &&
    typeof keys.pk === 'string' &&
    keys.pk.startsWith(`${tenantId}#payment#`) &&
    keys.sk === sortKey &&
    typeof keys.gsi1sk === 'string' &&
    keys.gsi1sk !== '';
  if (!valid) throw new InvalidCursorError('The cursor is not valid here');
  return { pk: keys.pk, sk: keys.sk, gsi1pk: keys.gsi1pk, gsi1sk: keys.gsi1sk };
}
