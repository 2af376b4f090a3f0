import {
  ConditionalCheckFailedException,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { newUlid } from '../event-id';
import type { NewEvent, StoredEvent, StreamHead } from '../event';
import { ConcurrencyConflictError, IdempotencyKeyReusedError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ReadStreamOptions,
  StartStreamResult,
  StreamPage,
} from '../event-store.port';
import type { GlobalEventLog, ReadAllOptions, ReadShardsOptions } from '../global-event-log.port';
import { mergeSorted } from '../time-index/merge';
import {
  DEFAULT_TIME_INDEX_SHARDS,
  LEGACY_TIME_INDEX_SHARDS,
  TIME_INDEX_LANES,
  checkTimeIndexShards,
  dayOf,
  monotonicRecordedAt,
  shardsOfLane,
  timeIndexPartition,
} from '../time-index/time-index';
import { batchGetInOrder } from './batch-get';
import { checkSizes, hashPayload, laterOf, validateAppend } from './append-rules';
import { documentClientFor } from './document-client';
import { fromEventDocument, toEventItem } from './event-item.mapper';
import { itemSizeBytes } from './item-size';
import { TIME_INDEX_NAME, type LedgerTables } from './tables';
import type { UpcasterChain } from '../upcasting/upcaster';

const TIME_BUCKETS_PK = 'time-index#buckets';
/** The sort key of a day's shard count, beside the day's own bucket item (`<day>`). */
const SHARDS_SUFFIX = '#shards';

/** A day bucket of the time index and the shard count its events were written with. */
interface DayBucket {
  day: string;
  shards: number;
}

type EventKey = { pk: string; sk: number };

export interface DynamoDbEventStoreOptions {
  client: DynamoDBClient;
  tables: LedgerTables;
  clock?: () => Date;
  newEventId?: () => string;
  /** Applied to every event read (never to what is appended); none: events read as stored. */
  upcasters?: UpcasterChain;
  /**
   * Time-index shards of a day this store is the first to write (TIME_INDEX_SHARDS; default 8,
   * a multiple of 8). A day already registered keeps the count recorded with it.
   */
  timeIndexShards?: number;
}

interface IdempotencyMarker {
  pk: string;
  payloadHash: string;
  streamId: string;
  fromVersion: number;
  toVersion: number;
  eventIds: string[];
  recordedAt: string;
}

const isTransactionConflict = (error: Error): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict') &&
  !(error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');

/**
 * The event store on DynamoDB. Appends are conditional writes (`attribute_not_exists`), so two
 * writers can never both write version n; a single event without an idempotency key is one
 * PutItem, anything more is one TransactWriteItems. The same table's time index is the global
 * event log.
 *
 * Event items are marshalled by hand (`toEventItem`): their size is checked on that shape before
 * anything is written, so the append path sends it as it is on the plain client instead of
 * marshalling it a second time. Everything else goes through the shared document client; both
 * share its one translation of store errors.
 */
export class DynamoDbEventStore implements EventStore, GlobalEventLog {
  private readonly client: DynamoDBClient;
  private readonly documents: DynamoDBDocumentClient;
  private readonly tables: LedgerTables;
  private readonly clock: () => Date;
  private readonly newEventId: () => string;
  private readonly upcasters: UpcasterChain | undefined;
  private readonly timeIndexShards: number;
  private readonly knownBuckets = new Map<string, Promise<number>>();
  // Transactions touching the same items can be cancelled with TransactionConflict: transient.
  private readonly conflictRetry = retry(handleWhen(isTransactionConflict), {
    maxAttempts: 12,
    backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 250 }),
  });

  constructor(options: DynamoDbEventStoreOptions) {
    this.client = options.client;
    this.documents = documentClientFor(options.client);
    this.tables = options.tables;
    this.clock = options.clock ?? (() => new Date());
    this.newEventId = options.newEventId ?? newUlid;
    this.upcasters = options.upcasters;
    this.timeIndexShards = checkTimeIndexShards(
      options.timeIndexShards ?? DEFAULT_TIME_INDEX_SHARDS,
    );
  }

  async append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    validateAppend(streamId, expectedVersion, events, options);
    const previous = await this.previousHead(streamId, expectedVersion, options.head);
    const recordedAt = monotonicRecordedAt(this.clock(), previous?.recordedAt);
    const stored = this.toStored(streamId, expectedVersion, events, recordedAt);
    let items = stored.map((event) => toEventItem(event, this.timeIndexShards));
    checkSizes(items, itemSizeBytes);
    const result: AppendResult = {
      streamId,
      fromVersion: expectedVersion + 1,
      toVersion: expectedVersion + events.length,
      eventIds: stored.map((event) => event.eventId),
      recordedAt,
      duplicate: false,
    };

    const shards = await this.registerBucket(dayOf(recordedAt));
    if (shards !== this.timeIndexShards) items = stored.map((event) => toEventItem(event, shards));
    if (items.length === 1 && options.idempotencyKey === undefined) {
      await this.putSingle(streamId, expectedVersion, items[0]);
      return result;
    }
    return this.transact(streamId, expectedVersion, items, result, events, options.idempotencyKey);
  }

  async startStream(streamId: string, event: NewEvent): Promise<StartStreamResult> {
    validateAppend(streamId, 0, [event], {});
    const stored = this.toStored(streamId, 0, [event], this.clock().toISOString())[0];
    let item = toEventItem(stored, this.timeIndexShards);
    checkSizes([item], itemSizeBytes);
    // Marshalled again only when the day was registered with another shard count.
    const shards = await this.registerBucket(dayOf(stored.recordedAt));
    if (shards !== this.timeIndexShards) item = toEventItem(stored, shards);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.events,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true, event: { ...stored, position: String(item.tsk.S) } };
    } catch (error) {
      // The document client leaves a failed condition's old image as DynamoDB returned it.
      if (error instanceof ConditionalCheckFailedException && error.Item !== undefined) {
        return { created: false, existing: this.decode(unmarshall(error.Item)) };
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StreamPage> {
    const fromVersion = options.fromVersion ?? 1;
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const output = await this.documents.send(
      new QueryCommand({
        TableName: this.tables.events,
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: { ':pk': streamId, ':from': fromVersion },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    const events = (output.Items ?? []).map((item) => this.decode(item));
    const last = events.at(-1);
    return {
      events,
      nextVersion: output.LastEvaluatedKey && last ? last.version + 1 : undefined,
    };
  }

  async *readWholeStream(streamId: string, fromVersion = 1): AsyncGenerator<StoredEvent> {
    let next: number | undefined = fromVersion;
    while (next !== undefined) {
      const page: StreamPage = await this.readStream(streamId, { fromVersion: next, limit: 1000 });
      yield* page.events;
      next = page.nextVersion;
    }
  }

  async readHead(streamId: string): Promise<StreamHead | undefined> {
    const output = await this.documents.send(
      new QueryCommand({
        TableName: this.tables.events,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': streamId },
        ProjectionExpression: 'sk, recordedAt',
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    const item = output.Items?.[0];
    return item ? { version: Number(item.sk), recordedAt: item.recordedAt as string } : undefined;
  }

  async countAll(options: Pick<ReadAllOptions, 'from' | 'to' | 'tenantId'> = {}): Promise<number> {
    const to = options.to ?? this.clock().toISOString();
    const buckets = await this.bucketsBetween(options.from, to);
    const counts = await Promise.all(
      buckets.flatMap(({ day, shards }) =>
        Array.from({ length: shards }, async (_, shard) => {
          let count = 0;
          // Select COUNT returns no items: cheap on the wire, the index still reads them.
          const pages = this.timeIndexPages(
            timeIndexPartition(day, shard),
            options.from ?? day,
            to,
            { Select: 'COUNT' },
            options.tenantId,
          );
          for await (const page of pages) count += page.Count ?? 0;
          return count;
        }),
      ),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /**
   * Reads the time index. `to` defaults to now; an event being written at this moment with an
   * earlier `recordedAt` may still appear later, so a live reader should stay a few seconds
   * behind the clock (replays of the past are unaffected).
   */
  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<StoredEvent> {
    const to = options.to ?? this.clock().toISOString();
    const lower = laterOf(options.from, options.after);
    const buckets = await this.bucketsBetween(lower, to);
    for (const { day, shards: count } of buckets) {
      const shards = Array.from({ length: count }, (_, shard) =>
        this.readShard(
          timeIndexPartition(day, shard),
          lower ?? day,
          to,
          options.pageSize ?? 250,
          options.tenantId,
        ),
      );
      for await (const event of mergeSorted(shards, (e) => e.position)) {
        if (options.after !== undefined && event.position <= options.after) continue;
        yield event;
      }
    }
  }

  /**
   * One reader per lane (`TIME_INDEX_LANES`), whatever the days' shard counts: a lane merges, day
   * by day, the shards of the day that hold its streams, so each stream stays in one reader.
   */
  readShards(options: ReadShardsOptions = {}): AsyncIterable<StoredEvent>[] {
    const to = options.to ?? this.clock().toISOString();
    const lowers = Array.from({ length: TIME_INDEX_LANES }, (_, lane) =>
      laterOf(options.from, options.after?.(lane)),
    );
    // One registry read for all readers, from the earliest place any of them starts.
    const earliest = lowers.some((lower) => lower === undefined)
      ? undefined
      : [...(lowers as string[])].sort()[0];
    let buckets: Promise<DayBucket[]> | undefined;
    const bucketsOnce = (): Promise<DayBucket[]> => (buckets ??= this.bucketsBetween(earliest, to));
    return lowers.map((lower, lane) =>
      this.readOneLane(
        lane,
        bucketsOnce,
        lower,
        options.after?.(lane),
        to,
        options.pageSize,
        options.tenantId,
      ),
    );
  }

  private async *readOneLane(
    lane: number,
    buckets: () => Promise<DayBucket[]>,
    lower: string | undefined,
    after: string | undefined,
    to: string,
    pageSize = 250,
    tenantId?: string,
  ): AsyncGenerator<StoredEvent> {
    if (lower !== undefined && lower >= to) return;
    for (const { day, shards } of await buckets()) {
      if (lower !== undefined && day < dayOf(lower)) continue;
      const readers = shardsOfLane(lane, shards).map((shard) =>
        this.readShard(timeIndexPartition(day, shard), lower ?? day, to, pageSize, tenantId),
      );
      for await (const event of mergeSorted(readers, (e) => e.position)) {
        if (after !== undefined && event.position <= after) continue;
        yield event;
      }
    }
  }

  /**
   * The events of one time-index partition in position order. The index holds keys only (an
   * event's body is not copied into it), so each page of keys is fetched from the table, and the
   * next page's events are on their way while the caller handles this one.
   */
  private async *readShard(
    partition: string,
    lower: string,
    upper: string,
    pageSize: number,
    tenantId?: string,
  ): AsyncGenerator<StoredEvent> {
    const pages = this.timeIndexPages(partition, lower, upper, { Limit: pageSize }, tenantId);
    let pending: Promise<Record<string, unknown>[]> | undefined;
    for await (const page of pages) {
      const keys = (page.Items ?? []).map((item) => ({
        pk: item.pk as string,
        sk: Number(item.sk),
      }));
      const fetching = this.eventsByKey(keys);
      // Awaited below or on the next page; a reader abandoned meanwhile must not leave it unhandled.
      fetching.catch(() => undefined);
      if (pending !== undefined) for (const item of await pending) yield this.decode(item);
      pending = fetching;
    }
    if (pending !== undefined) for (const item of await pending) yield this.decode(item);
  }

  /** The events at `keys`, in their order (see `batchGetInOrder`). */
  private async eventsByKey(keys: readonly EventKey[]): Promise<Record<string, unknown>[]> {
    const items = await batchGetInOrder(this.documents, this.tables.events, keys);
    return items.map((item, i) => {
      // Events are never deleted: a key the index lists without its item is a broken store.
      if (item === undefined) {
        throw new Error(`The time index lists ${keys[i].pk}/${keys[i].sk}, the table has none`);
      }
      return item;
    });
  }

  /**
   * The pages of one time-index partition between two positions (both included). Reads one page
   * ahead: the next query is on its way while the caller handles the current page, so merged or
   * parallel readers keep the engine busy instead of waiting on it one page at a time. With a
   * tenant, DynamoDB filters the items to that tenant's streams before answering (counts
   * included); the index is still read, and paid for, over the whole range.
   */
  private async *timeIndexPages(
    partition: string,
    lower: string,
    upper: string,
    page: { Limit?: number; Select?: 'COUNT' },
    tenantId?: string,
  ): AsyncGenerator<QueryCommandOutput> {
    // Tenant ids are slugs without '#', so `<tenant>#` is exactly that tenant's stream prefix.
    const tenantFilter =
      tenantId === undefined
        ? {}
        : {
            FilterExpression: 'begins_with(pk, :tenant)',
            ExpressionAttributeValues: { ':tenant': `${tenantId}#` },
          };
    // Not the SDK's paginator: it would only ask for the next page once this one is handled.
    const query = (startKey?: Record<string, unknown>): Promise<QueryCommandOutput> => {
      const output = this.documents.send(
        new QueryCommand({
          TableName: this.tables.events,
          IndexName: TIME_INDEX_NAME,
          KeyConditionExpression: 'tix = :p AND tsk BETWEEN :lo AND :hi',
          ...(tenantFilter.FilterExpression && {
            FilterExpression: tenantFilter.FilterExpression,
          }),
          ExpressionAttributeValues: {
            ':p': partition,
            ':lo': lower,
            ':hi': upper,
            ...tenantFilter.ExpressionAttributeValues,
          },
          ...page,
          ExclusiveStartKey: startKey,
        }),
      );
      // A read-ahead the caller abandons (it stopped iterating) must not become an unhandled
      // rejection; awaiting it still throws.
      output.catch(() => undefined);
      return output;
    };
    let next: Promise<QueryCommandOutput> | undefined = query();
    while (next !== undefined) {
      const output: QueryCommandOutput = await next;
      next = output.LastEvaluatedKey === undefined ? undefined : query(output.LastEvaluatedKey);
      yield output;
    }
  }

  /** An events-table item (as the document client reads it) in the current shape of its type. */
  private decode(item: Record<string, unknown>): StoredEvent {
    const event = fromEventDocument(item);
    return this.upcasters === undefined ? event : this.upcasters.upcast(event);
  }

  /**
   * Day buckets that hold events, with each day's shard count, from the registry each append
   * keeps: item `<day>` marks the day, item `<day>#shards` its count (absent: a day registered
   * before counts were recorded, written with 8).
   */
  private async bucketsBetween(from: string | undefined, to: string): Promise<DayBucket[]> {
    if (from !== undefined && from >= to) return [];
    const days: string[] = [];
    const counts = new Map<string, number>();
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tables.meta,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: {
          ':pk': TIME_BUCKETS_PK,
          ':lo': from === undefined ? '0000-00-00' : dayOf(from),
          ':hi': `${dayOf(to)}${SHARDS_SUFFIX}`,
        },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const sk = item.sk as string;
        if (sk.endsWith(SHARDS_SUFFIX)) {
          counts.set(sk.slice(0, 10), checkTimeIndexShards(Number(item.shards)));
        } else days.push(sk);
      }
    }
    return days.map((day) => ({ day, shards: counts.get(day) ?? LEGACY_TIME_INDEX_SHARDS }));
  }

  /**
   * Records that a day bucket holds events, once per process and day, before the first write,
   * and answers the day's shard count: this store's own when it is the first to register the
   * day, otherwise the count recorded by the first (which every writer of the day then uses).
   * The count is written before the day's own item, so a reader that sees the day sees its count.
   */
  private registerBucket(day: string): Promise<number> {
    let registered = this.knownBuckets.get(day);
    if (registered === undefined) {
      registered = this.recordBucket(day).catch((error: unknown) => {
        this.knownBuckets.delete(day);
        throw error;
      });
      this.knownBuckets.set(day, registered);
    }
    return registered;
  }

  private async recordBucket(day: string): Promise<number> {
    const countKey = { pk: TIME_BUCKETS_PK, sk: `${day}${SHARDS_SUFFIX}` };
    let shards = this.timeIndexShards;
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tables.meta,
          Item: { ...countKey, shards },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.documents.send(
        new GetCommand({ TableName: this.tables.meta, Key: countKey, ConsistentRead: true }),
      );
      shards = checkTimeIndexShards(Number(Item?.shards));
    }
    // Unconditional, as releases before recorded counts wrote it: they may still write it too.
    await this.documents.send(
      new PutCommand({ TableName: this.tables.meta, Item: { pk: TIME_BUCKETS_PK, sk: day } }),
    );
    return shards;
  }

  private toStored(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    recordedAt: string,
  ): Omit<StoredEvent, 'position'>[] {
    return events.map((event, i) => ({
      streamId,
      version: expectedVersion + i + 1,
      eventId: event.eventId ?? this.newEventId(),
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: event.data,
      metadata: event.metadata ?? {},
      recordedAt,
    }));
  }

  private async previousHead(
    streamId: string,
    expectedVersion: number,
    head: StreamHead | undefined,
  ): Promise<StreamHead | undefined> {
    if (expectedVersion === 0) return undefined;
    if (head !== undefined && head.version === expectedVersion) return head;
    const actual = await this.readHead(streamId);
    if (actual?.version !== expectedVersion) {
      throw new ConcurrencyConflictError(streamId, expectedVersion, actual?.version ?? 0);
    }
    return actual;
  }

  private async putSingle(
    streamId: string,
    expectedVersion: number,
    item: Record<string, AttributeValue>,
  ): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.events,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw await this.conflict(streamId, expectedVersion, error);
      }
      throw error;
    }
  }

  private async transact(
    streamId: string,
    expectedVersion: number,
    items: Record<string, AttributeValue>[],
    result: AppendResult,
    events: readonly NewEvent[],
    idempotencyKey: string | undefined,
  ): Promise<AppendResult> {
    const writes: TransactWriteItem[] = items.map((item) => ({
      Put: {
        TableName: this.tables.events,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    const payloadHash = idempotencyKey === undefined ? '' : hashPayload(streamId, events);
    if (idempotencyKey !== undefined) {
      const marker: IdempotencyMarker = {
        pk: idempotencyKey,
        payloadHash,
        streamId,
        fromVersion: result.fromVersion,
        toVersion: result.toVersion,
        eventIds: result.eventIds,
        recordedAt: result.recordedAt,
      };
      // The marker goes first so its cancellation reason is always at index 0.
      writes.unshift({
        Put: {
          TableName: this.tables.idempotency,
          Item: marshall(marker),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    try {
      await this.conflictRetry.execute(() =>
        this.client.send(new TransactWriteItemsCommand({ TransactItems: writes })),
      );
      return result;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (idempotencyKey !== undefined && reasons[0]?.Code === 'ConditionalCheckFailed') {
        return this.duplicateOf(idempotencyKey, payloadHash, reasons[0].Item);
      }
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) {
        throw await this.conflict(streamId, expectedVersion, error);
      }
      throw error;
    }
  }

  private duplicateOf(
    idempotencyKey: string,
    payloadHash: string,
    oldItem: Record<string, AttributeValue> | undefined,
  ): AppendResult {
    if (oldItem === undefined) {
      throw new Error('The idempotency marker exists but its old image was not returned');
    }
    const marker = unmarshall(oldItem) as IdempotencyMarker;
    if (marker.payloadHash !== payloadHash) throw new IdempotencyKeyReusedError(idempotencyKey);
    return {
      streamId: marker.streamId,
      fromVersion: Number(marker.fromVersion),
      toVersion: Number(marker.toVersion),
      eventIds: marker.eventIds,
      recordedAt: marker.recordedAt,
      duplicate: true,
    };
  }

  private async conflict(
    streamId: string,
    expectedVersion: number,
    cause: unknown,
  ): Promise<ConcurrencyConflictError> {
    const head = await this.readHead(streamId);
    return new ConcurrencyConflictError(streamId, expectedVersion, head?.version ?? 0, { cause });
  }
}
