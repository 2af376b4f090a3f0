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
  batchGetInOrder,
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
/** Shards of each tenant's payment list in a generation that has no count recorded yet. */
export const DEFAULT_PAYMENT_LIST_SHARDS = 4;
export const MAX_PAYMENT_LIST_SHARDS = 64;
/**
 * A tenant's list partition in one generation: `<tenant>#payments#<generation>` for shard 0 (the
 * key of every row written before the list was sharded, so those stay listed), `#<shard>` added
 * for the others.
 */
const listPartitionOf = (tenantId: string, generation: string, shard: number): string =>
  shard === 0
    ? `${tenantId}#payments#${generation}`
    : `${tenantId}#payments#${generation}#${shard}`;
const listShardOf = (paymentId: string, shards: number): number =>
  createHash('sha256').update(paymentId).digest().readUInt32BE(0) % shards;
/** The item recording a generation's list shard count, beside its documents. */
const listShardsKeyOf = (generation: string) => ({
  pk: `read-model#payments#${generation}`,
  sk: 'list-shards',
});
/**
 * Recorded counts per client, table and generation. Once recorded a count never changes, so a
 * process reads it once.
 */
const recordedListShards = new WeakMap<DynamoDBClient, Map<string, number>>();
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
 * found; GSI `gsi1` lists a tenant's payments newest first (`<tenant>#payments#<generation>` plus
 * a shard of the payment id, `createdAt#paymentId`). Writes are conditional on the stored version.
 *
 * The list is sharded so that one tenant's payments are not all written to one partition of the
 * index: a generation's shard count is recorded by its first writer (from `listShards`,
 * PAYMENT_LIST_SHARDS) and kept for the generation's life, so every process reads and writes it
 * with the same count whatever its own configuration; readers only read it. The index holds the keys and
 * the filtered attributes only; a page's documents are read from the table (BatchGetItem).
 */
export class DynamoDbPaymentDocuments implements GenerationDocuments, UnsettledPayments {
  private readonly sortKey: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    readonly generation: string = FIRST_GENERATION,
    /** The list shard count this process records for a generation that has none (1 to 64). */
    private readonly listShards: number = DEFAULT_PAYMENT_LIST_SHARDS,
  ) {
    this.sortKey = sortKeyOf(generation);
    if (!Number.isInteger(listShards) || listShards < 1 || listShards > MAX_PAYMENT_LIST_SHARDS) {
      throw new RangeError(
        `A payment list has 1 to ${MAX_PAYMENT_LIST_SHARDS} shards, got ${listShards}`,
      );
    }
  }

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  /**
   * The generation's list shard count as its writers use it: the recorded one, or, for a
   * generation nobody has written yet, this process's `listShards`, recorded first.
   */
  async shardCount(): Promise<number> {
    const known = this.knownShardCount();
    if (known !== undefined) return known;
    const key = listShardsKeyOf(this.generation);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, shards: this.listShards },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return this.remember(this.listShards);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const recorded = await this.recordedShardCount();
      if (recorded === undefined) throw new Error('A recorded list shard count disappeared');
      return recorded;
    }
  }

  /**
   * The shard count a list reads with; readers never record one. A generation without a count
   * has no document written by a sharding writer: all of its rows are under shard 0's key (the
   * unsharded list's), so it is read as one shard, and asked again next time.
   */
  async readShardCount(): Promise<number> {
    return this.knownShardCount() ?? (await this.recordedShardCount()) ?? 1;
  }

  private knownShardCount(): number | undefined {
    return recordedListShards.get(this.client)?.get(this.cacheId);
  }

  private get cacheId(): string {
    return `${this.table}\u0000${this.generation}`;
  }

  /** Once recorded, a generation's count never changes: every process keeps it. */
  private remember(count: number): number {
    let byGeneration = recordedListShards.get(this.client);
    if (byGeneration === undefined) {
      byGeneration = new Map();
      recordedListShards.set(this.client, byGeneration);
    }
    byGeneration.set(this.cacheId, count);
    return count;
  }

  private async recordedShardCount(): Promise<number | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.table,
        Key: listShardsKeyOf(this.generation),
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    const recorded = Number(Item.shards);
    if (!Number.isInteger(recorded) || recorded < 1 || recorded > MAX_PAYMENT_LIST_SHARDS) {
      throw new Error(`Generation ${this.generation} records no valid list shard count`);
    }
    return this.remember(recorded);
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

  /** BatchGetItem, 100 keys a request, strongly consistent (the projector writes on them). */
  async getMany(
    payments: readonly { tenantId: string; paymentId: string }[],
  ): Promise<Map<string, PaymentDocument>> {
    const keys = payments.map(({ tenantId, paymentId }) => ({
      pk: paymentStreamId(tenantId, paymentId),
      sk: this.sortKey,
    }));
    const rows = await batchGetInOrder(this.documents, this.table, keys, true);
    const found = new Map<string, PaymentDocument>();
    rows.forEach((row, i) => {
      if (row !== undefined) found.set(keys[i].pk, toDocument(row));
    });
    return found;
  }

  async put(document: PaymentDocument, expectedVersion: number): Promise<boolean> {
    const shards = await this.shardCount();
    try {
      await this.documents.send(
        new PutCommand(this.conditionalPut(document, expectedVersion, shards)),
      );
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
    const shards = await this.shardCount();
    const requests: WriteRequest[][] = [];
    for (let i = 0; i < documents.length; i += BATCH_WRITE_ITEMS) {
      requests.push(
        documents
          .slice(i, i + BATCH_WRITE_ITEMS)
          .map((document) => ({ PutRequest: { Item: this.itemOf(document, shards) } })),
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

  private conditionalPut(
    document: PaymentDocument,
    expectedVersion: number,
    shards: number,
  ): PutCommandInput {
    return {
      TableName: this.table,
      Item: this.itemOf(document, shards),
      ConditionExpression:
        expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
      ...(expectedVersion !== 0 && {
        ExpressionAttributeValues: { ':expected': expectedVersion },
      }),
    };
  }

  private itemOf(document: PaymentDocument, shards: number): PaymentItem {
    const createdAt = document.state.createdAt ?? '';
    const unsettled = isUnsettled(document.state);
    const item: PaymentItem = {
      pk: paymentStreamId(document.tenantId, document.paymentId),
      sk: this.sortKey,
      gsi1pk: listPartitionOf(
        document.tenantId,
        this.generation,
        listShardOf(document.paymentId, shards),
      ),
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

  /**
   * A page of the tenant's list, newest first: every shard of the list is queried (at once for
   * the first items, then as the merge needs more), the shards are merged on `createdAt#paymentId`
   * and the page's documents read from the table. The cursor holds each shard's own position.
   */
  async list(query: PaymentListQuery): Promise<PaymentListPage> {
    const shards = await this.readShardCount();
    const positions =
      query.cursor === undefined
        ? Array.from({ length: shards }, (): ShardPosition => [query.to ?? '~', 1])
        : decodeCursor(query.cursor, query.tenantId, this.generation, shards, this.sortKey);
    const readers = positions.map((position, shard) =>
      position === null
        ? undefined
        : new ListShardReader(position, (hi, startKey) =>
            this.queryListShard(query, shard, hi, startKey),
          ),
    );
    await Promise.all(readers.map((reader) => reader?.fill() ?? Promise.resolve()));
    const page: ListKey[] = [];
    while (page.length < query.limit) {
      let next: { reader: ListShardReader; sortKey: string } | undefined;
      for (const reader of readers) {
        const head = reader?.head();
        if (
          reader !== undefined &&
          head !== undefined &&
          (next === undefined || head.gsi1sk > next.sortKey)
        ) {
          next = { reader, sortKey: head.gsi1sk };
        }
      }
      if (next === undefined) break;
      page.push(next.reader.take());
      if (page.length < query.limit) await next.reader.fill();
    }
    const after = readers.map((reader) => reader?.position() ?? null);
    const rows = await batchGetInOrder(this.documents, this.table, page);
    return {
      items: rows.filter((row): row is StoredKey => row !== undefined).map(toDocument),
      nextCursor: after.some((position) => position !== null)
        ? encodeCursor(query.tenantId, this.generation, after)
        : undefined,
    };
  }

  private async queryListShard(
    query: PaymentListQuery,
    shard: number,
    hi: string,
    startKey: StoredKey | undefined,
  ): Promise<{ items: ListKey[]; lastKey?: StoredKey }> {
    const filters: string[] = [];
    const values: Record<string, string> = {
      ':pk': listPartitionOf(query.tenantId, this.generation, shard),
      ':lo': query.from ?? '0',
      ':hi': hi,
    };
    if (query.customerId !== undefined) {
      filters.push('customerId = :customer');
      values[':customer'] = query.customerId;
    }
    if (query.contradicted === true) filters.push('attribute_exists(contradicted)');
    if (query.contradicted === false) filters.push('attribute_not_exists(contradicted)');
    const output = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: READ_MODEL_INDEX_NAME,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
        ...(filters.length > 0 && { FilterExpression: filters.join(' AND ') }),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const keys: ListKey[] = (output.Items ?? []).map((item) => ({
      pk: item.pk as string,
      sk: item.sk as string,
      gsi1sk: item.gsi1sk as string,
    }));
    return {
      items: await this.withStatus(keys, query.status),
      lastKey: output.LastEvaluatedKey,
    };
  }

  /**
   * The keys whose payment has `status`. The index does not hold the status (a status change
   * would cost an index write on every payment's conclusion), so it is read from the table.
   */
  private async withStatus(keys: ListKey[], status: string | undefined): Promise<ListKey[]> {
    if (status === undefined || keys.length === 0) return keys;
    const rows = await batchGetInOrder(this.documents, this.table, keys);
    return keys.filter((_key, i) => {
      const row = rows[i] as { status?: string } | undefined;
      return row !== undefined && (row.status ?? 'requested') === status;
    });
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

/**
 * Where one shard of a list resumes: below this `gsi1sk` (`1`: the bound included, it is the
 * shard's next item; `0`: excluded), or null once the shard has nothing more.
 */
type ShardPosition = [hi: string, inclusive: 0 | 1] | null;

type ListKey = { pk: string; sk: string; gsi1sk: string };

/**
 * One shard of a list, read newest first in pages. `fill` reads until the shard has an item at
 * hand or is exhausted; `position` is where a next page resumes it.
 */
class ListShardReader {
  private buffer: ListKey[] = [];
  private startKey?: StoredKey;
  private exhausted = false;
  private readonly hi: string;
  private readonly inclusive: boolean;

  constructor(
    position: [string, 0 | 1],
    private readonly query: (
      hi: string,
      startKey: StoredKey | undefined,
    ) => Promise<{ items: ListKey[]; lastKey?: StoredKey }>,
  ) {
    [this.hi] = position;
    this.inclusive = position[1] === 1;
  }

  async fill(): Promise<void> {
    // A filter may drop a whole page: keep reading until an item or the end.
    while (this.buffer.length === 0 && !this.exhausted) {
      const { items, lastKey } = await this.query(this.hi, this.startKey);
      this.buffer = this.inclusive ? items : items.filter((item) => item.gsi1sk !== this.hi);
      this.startKey = lastKey;
      this.exhausted = lastKey === undefined;
    }
  }

  head(): ListKey | undefined {
    return this.buffer[0];
  }

  take(): ListKey {
    const item = this.buffer.shift();
    if (item === undefined) throw new Error('take() on a list shard with no item at hand');
    return item;
  }

  position(): ShardPosition {
    const head = this.buffer[0];
    if (head !== undefined) return [head.gsi1sk, 1];
    if (this.exhausted) return null;
    // Everything down to the last key DynamoDB evaluated was taken or filtered out.
    const lastEvaluated = this.startKey?.gsi1sk;
    return typeof lastEvaluated === 'string'
      ? [lastEvaluated, 0]
      : [this.hi, this.inclusive ? 1 : 0];
  }
}

/** A list cursor: the tenant's list in one generation and each shard's position. */
function encodeCursor(tenantId: string, generation: string, shards: ShardPosition[]): string {
  const cursor = { list: listPartitionOf(tenantId, generation, 0), shards };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/**
 * Decodes a cursor and refuses one of another tenant's list, generation or shard count: a forged
 * cursor can at most skip within the caller's own payments. A cursor issued before the list was
 * sharded (the last item's keys), or while the generation was read as one shard, resumes every
 * shard below that place.
 */
function decodeCursor(
  cursor: string,
  tenantId: string,
  generation: string,
  shards: number,
  sortKey: string,
): ShardPosition[] {
  const list = listPartitionOf(tenantId, generation, 0);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('The cursor is malformed');
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new InvalidCursorError('The cursor is not valid here');
  }
  const fields = parsed as Record<string, unknown>;
  if (
    fields.gsi1pk === list &&
    typeof fields.pk === 'string' &&
    fields.pk.startsWith(`${tenantId}#payment#`) &&
    fields.sk === sortKey &&
    typeof fields.gsi1sk === 'string' &&
    fields.gsi1sk !== ''
  ) {
    const below = fields.gsi1sk;
    return Array.from({ length: shards }, (): ShardPosition => [below, 0]);
  }
  const positions = fields.shards;
  const valid =
    fields.list === list &&
    Array.isArray(positions) &&
    (positions.length === shards || positions.length === 1) &&
    positions.every(
      (position: unknown) =>
        position === null ||
        (Array.isArray(position) &&
          position.length === 2 &&
          typeof position[0] === 'string' &&
          position[0] !== '' &&
          (position[1] === 0 || position[1] === 1)),
    );
  if (!valid) throw new InvalidCursorError('The cursor is not valid here');
  // Issued while the generation was still read as one shard (nothing sharded written yet): its
  // one position bounds the shards written since too.
  if (positions.length === 1 && shards > 1) {
    return Array.from({ length: shards }, () => positions[0] as ShardPosition);
  }
  return positions as ShardPosition[];
}
