import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { setTimeout as delay } from 'node:timers/promises';

export interface SharedStreamTailOptions {
  /**
   * Records kept per shard (default 5,000): a poller whose position has fallen out of them reads
   * on its own until it is back among them.
   */
  maxBuffered?: number;
  /**
   * Least time between the starts of two reads of a shard for the pollers together (default
   * 50 ms), unless the last one read a full batch: a poller that has every kept record and comes
   * in between waits for the gap to pass and shares the read then.
   */
  minReadGapMs?: number;
  /** Records per GetRecords call (default 1,000, the API's maximum). */
  batchSize?: number;
}

/** What a poller is handed: the records after its position, and whether the shard ends there. */
export interface TailRead {
  records: _Record[];
  /** The shard is closed and these records are its last. */
  finished: boolean;
}

interface ShardTail {
  /** The position the first kept record follows. */
  base: string;
  records: _Record[];
  /** Number of records dropped before `records[0]`: absolute index = dropped + index. */
  dropped: number;
  /** Absolute index of each kept record, by sequence number. */
  at: Map<string, number>;
  /** Where the next read continues; undefined once the shard is closed and read to its end. */
  iterator?: string;
  reading?: Promise<void>;
  lastReadAt: number;
  lastReadFull: boolean;
}

/**
 * One reader of a stream's shards for every local poller of the process (the correlator, the
 * projector, the publisher, the charger): each record is read from DynamoDB Local and unmarshalled
 * by the SDK once, not once per consumer. Each poller keeps its own position and checkpoint and
 * asks for the records after it; a position the tail does not hold (a poller that fell behind,
 * or one without a checkpoint yet) gets undefined, and that poller reads on its own, as it did
 * without the tail, until it is back among the kept records. So a consumer that stalls or fails
 * holds no other back.
 */
export class SharedStreamTail {
  private readonly tails = new Map<string, Promise<ShardTail>>();

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly options: SharedStreamTailOptions = {},
  ) {}

  /**
   * At most `limit` records of the shard after `after` (a sequence number), reading more when the
   * poller has every kept one; undefined when the tail does not hold that position.
   */
  async read(
    streamArn: string,
    shardId: string,
    after: string | undefined,
    limit: number,
  ): Promise<TailRead | undefined> {
    if (after === undefined) return undefined;
    const key = `${streamArn}|${shardId}`;
    let pending = this.tails.get(key);
    if (pending === undefined) {
      pending = this.open(streamArn, shardId, after);
      this.tails.set(key, pending);
      // A tail that could not be opened is forgotten; the caller reads on its own this time.
      pending.catch(() => this.forget(key, pending!));
    }
    let tail: ShardTail;
    try {
      tail = await pending;
    } catch {
      return undefined;
    }
    const hasEveryKept = (): boolean =>
      this.indexAfter(tail, after) === tail.dropped + tail.records.length &&
      tail.iterator !== undefined;
    if (hasEveryKept()) {
      // Soon after a read that was not full, wait for the gap to pass, then share the next read
      // (unless one that came meanwhile brought records already).
      const wait = tail.lastReadAt + (this.options.minReadGapMs ?? 50) - Date.now();
      if (tail.reading === undefined && !tail.lastReadFull && wait > 0) await delay(wait);
      if (hasEveryKept()) {
        try {
          await (tail.reading ??= this.readMore(tail).finally(() => (tail.reading = undefined)));
        } catch (error) {
          this.forget(key, pending);
          if (error instanceof ExpiredIteratorException) return undefined;
          if (error instanceof TrimmedDataAccessException) return undefined;
          throw error;
        }
      }
    }
    // Records may have been dropped meanwhile (another poller's read of a full batch).
    const from = this.indexAfter(tail, after);
    if (from === undefined) return undefined;
    const start = from - tail.dropped;
    const records = tail.records.slice(start, start + limit);
    const finished = tail.iterator === undefined && start + records.length === tail.records.length;
    // A closed shard is not read again: its records go once a poller has been handed the last
    // (one that comes later opens it again at its own position, and finds it closed).
    if (finished) this.forget(key, pending);
    return { records, finished };
  }

  /** Drops every kept record, as when the process stops. */
  clear(): void {
    this.tails.clear();
  }

  private forget(key: string, tail: Promise<ShardTail>): void {
    if (this.tails.get(key) === tail) this.tails.delete(key);
  }

  private async open(streamArn: string, shardId: string, after: string): Promise<ShardTail> {
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: after,
      }),
    );
    return {
      base: after,
      records: [],
      dropped: 0,
      at: new Map(),
      iterator: ShardIterator,
      lastReadAt: 0,
      lastReadFull: false,
    };
  }

  /** The absolute index of the first record after `after`; undefined when it is not kept. */
  private indexAfter(tail: ShardTail, after: string): number | undefined {
    if (after === tail.base) return tail.dropped;
    const index = tail.at.get(after);
    return index === undefined ? undefined : index + 1;
  }

  private async readMore(tail: ShardTail): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    tail.lastReadAt = Date.now();
    const output = await this.streams.send(
      new GetRecordsCommand({ ShardIterator: tail.iterator, Limit: batchSize }),
    );
    const records = output.Records ?? [];
    for (const record of records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (sequenceNumber === undefined) continue;
      tail.at.set(sequenceNumber, tail.dropped + tail.records.length);
      tail.records.push(record);
    }
    tail.lastReadFull = records.length >= batchSize;
    tail.iterator = output.NextShardIterator ?? undefined;
    this.trim(tail);
  }

  /**
   * Keeps the newest `maxBuffered` records, dropping the oldest in one go once there are half as
   * many more.
   */
  private trim(tail: ShardTail): void {
    const max = this.options.maxBuffered ?? 5000;
    if (tail.records.length <= max + Math.floor(max / 2)) return;
    const drop = tail.records.length - max;
    for (const record of tail.records.splice(0, drop)) {
      tail.at.delete(record.dynamodb!.SequenceNumber!);
      tail.base = record.dynamodb!.SequenceNumber!;
    }
    tail.dropped += drop;
  }
}
