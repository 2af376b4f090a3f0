import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { type UpcasterChain } from '@ledger/event-store';
import { BatchProcessor, type BatchProcessorOptions } from '../../core/batch-processor';
import type { ParkingLot } from '../../core/parking-lot.port';
import type { StreamConsumer } from '../../core/stream-consumer';
import { decodeWantedRecords } from '../wanted-records';
import type { CheckpointStore, ShardCheckpoint } from '../../core/checkpoint-store.port';
import type { SharedStreamTail, TailRead } from './shared-stream-tail';
import { RecordNotParkedError, StreamNotEnabledError } from '../../core/stream-consumer.errors';

export interface StreamPollerOptions {
  consumer: StreamConsumer;
  dynamoDb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  eventsTable: string;
  checkpoints: CheckpointStore;
  parkingLot: ParkingLot;
  /**
   * Least time between the starts of two passes over the shards (default 100 ms). A pass that
   * found nothing, or handled its records sooner, waits out the rest: records that trickle in are
   * read a few at a time every interval rather than one read per record or two. A pass that read
   * a full batch (a backlog) is followed by the next at once.
   */
  pollIntervalMs?: number;
  /** Records per GetRecords call (default 1,000, the API's maximum). */
  batchSize?: number;
  /** How often the shard list is refreshed (default 5 s). */
  shardRefreshMs?: number;
  /**
   * Least time between two checkpoint writes of a shard (default 1 s; 0: after every batch).
   * The batches handled in between are acknowledged together, so a crash replays them: the
   * consumers are idempotent. A finished shard, and every shard on `stop`, is written at once.
   */
  checkpointEveryMs?: number;
  processor?: BatchProcessorOptions;
  /** Applied to every decoded record, as the event store applies them to its reads. */
  upcasters?: UpcasterChain;
  /**
   * The records the process's pollers read together (`SharedStreamTail`): this poller reads on
   * its own only where the tail does not hold its position. Without it, it always reads on its own.
   */
  tail?: SharedStreamTail;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

interface ShardState {
  shard: Shard;
  iterator?: string;
}

/**
 * The local driver: polls the events table's stream through the DynamoDB Streams API, walks
 * shards parent-first (so a stream's records keep their order across shard roll-over), and
 * checkpoints each shard after handled batches, at most once a second (`checkpointEveryMs`), so a
 * restart resumes where it stopped or, after a crash, at most that second's batches earlier.
 */
export class StreamPoller {
  private readonly processor: BatchProcessor;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private checkpoints = new Map<string, ShardCheckpoint>();
  /** Handled but not yet written, per shard; and when each shard's checkpoint was last written. */
  private readonly unsaved = new Map<string, Omit<ShardCheckpoint, 'updatedAt'>>();
  private readonly savedAt = new Map<string, number>();
  private readonly shards = new Map<string, ShardState>();
  private shardsRefreshedAt = 0;
  private streamArn?: string;

  constructor(private readonly options: StreamPollerOptions) {
    this.processor = new BatchProcessor(options.consumer, options.parkingLot, options.processor);
  }

  get consumerName(): string {
    return this.options.consumer.name;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.checkpoints = await this.options.checkpoints.load(this.consumerName);
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Stops after the batch in hand, then writes the checkpoints of what was fully handled (a batch
   * that was not is read again next time).
   */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    try {
      await this.saveCheckpoints(() => true);
    } catch (error) {
      // As after a crash: the next start replays from the last checkpoint written.
      this.options.log?.('checkpoint not saved on stop', {
        consumer: this.consumerName,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const startedAt = Date.now();
        const backlog = await this.pollOnce();
        const interval = backlog ? 0 : (this.options.pollIntervalMs ?? 100);
        await this.sleep(Math.max(0, startedAt + interval - Date.now()));
      } catch (error) {
        this.options.log?.('stream poll failed; retrying', {
          consumer: this.consumerName,
          error: error instanceof Error ? error.message : String(error),
        });
        this.shards.clear();
        this.shardsRefreshedAt = 0;
        await this.sleep(1000);
      }
    }
  }

  /** One pass over every shard that may be read now; true when a shard gave a full batch. */
  private async pollOnce(): Promise<boolean> {
    await this.refreshShards();
    let backlog = false;
    for (const state of this.readableShards()) {
      if (!this.running) break;
      backlog = (await this.pollShard(state)) || backlog;
    }
    const every = this.options.checkpointEveryMs ?? 1000;
    const now = Date.now();
    await this.saveCheckpoints(
      (shardId, checkpoint) =>
        checkpoint.finished || now - (this.savedAt.get(shardId) ?? -Infinity) >= every,
    );
    return backlog;
  }

  /** Writes the handled positions `due` selects; one write per shard, whatever the batches. */
  private async saveCheckpoints(
    due: (shardId: string, checkpoint: Omit<ShardCheckpoint, 'updatedAt'>) => boolean,
  ): Promise<void> {
    for (const [shardId, checkpoint] of [...this.unsaved]) {
      if (!due(shardId, checkpoint)) continue;
      await this.options.checkpoints.save(this.consumerName, checkpoint);
      this.savedAt.set(shardId, Date.now());
      if (this.unsaved.get(shardId) === checkpoint) this.unsaved.delete(shardId);
    }
  }

  private async refreshShards(): Promise<void> {
    const now = Date.now();
    if (now - this.shardsRefreshedAt < (this.options.shardRefreshMs ?? 5000)) return;
    if (this.streamArn === undefined) {
      const { Table } = await this.options.dynamoDb.send(
        new DescribeTableCommand({ TableName: this.options.eventsTable }),
      );
      this.streamArn = Table?.LatestStreamArn;
      if (this.streamArn === undefined) {
        throw new StreamNotEnabledError(this.options.eventsTable);
      }
    }
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.options.streams.send(
        new DescribeStreamCommand({
          StreamArn: this.streamArn,
          ExclusiveStartShardId: exclusiveStartShardId,
        }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (shard.ShardId !== undefined && !this.shards.has(shard.ShardId)) {
          this.shards.set(shard.ShardId, { shard });
        } else if (shard.ShardId !== undefined) {
          this.shards.get(shard.ShardId)!.shard = shard;
        }
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);
    this.shardsRefreshedAt = now;
  }

  /** Unfinished shards whose parent (if still listed) is finished: parents go first. */
  private readableShards(): ShardState[] {
    return [...this.shards.values()].filter(({ shard }) => {
      const id = shard.ShardId as string;
      if (this.checkpoints.get(id)?.finished) return false;
      const parent = shard.ParentShardId;
      return (
        parent === undefined ||
        !this.shards.has(parent) ||
        this.checkpoints.get(parent)?.finished === true
      );
    });
  }

  /** Reads and handles one batch of the shard; true when it was a full one. */
  private async pollShard(state: ShardState): Promise<boolean> {
    const shardId = state.shard.ShardId as string;
    const batchSize = this.options.batchSize ?? 1000;
    const shared = await this.options.tail?.read(
      this.streamArn as string,
      shardId,
      this.checkpoints.get(shardId)?.sequenceNumber,
      batchSize,
    );
    if (shared !== undefined) {
      // Its own reads, when it needs them again, start from where it is then.
      state.iterator = undefined;
    }
    const read = shared ?? (await this.readOnItsOwn(state, batchSize));
    if (read === undefined) return false;
    const { records: raw, finished } = read;
    const records = decodeWantedRecords(raw, this.options.consumer, this.options.upcasters);
    if (records.length > 0) {
      const outcome = await this.processor.process(records);
      if (outcome.firstFailure !== undefined) {
        // Nothing after the last checkpoint is acknowledged: read again from there.
        state.iterator = undefined;
        throw new RecordNotParkedError(this.consumerName);
      }
    }
    const lastSequence = raw.at(-1)?.dynamodb?.SequenceNumber;
    if (lastSequence !== undefined || finished) {
      const previous = this.checkpoints.get(shardId);
      // Held in memory at once (this process reads on from here); written in pollOnce.
      const checkpoint = {
        shardId,
        sequenceNumber: lastSequence ?? previous?.sequenceNumber,
        finished,
      };
      this.checkpoints.set(shardId, { ...checkpoint, updatedAt: new Date().toISOString() });
      this.unsaved.set(shardId, checkpoint);
    }
    if (finished) this.shardsRefreshedAt = 0; // a closed shard has children to pick up
    return raw.length >= batchSize;
  }

  /** The next batch from this poller's own iterator; undefined when it expired or was trimmed. */
  private async readOnItsOwn(state: ShardState, batchSize: number): Promise<TailRead | undefined> {
    state.iterator ??= await this.iteratorFor(state.shard.ShardId as string);
    let output;
    try {
      output = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: state.iterator, Limit: batchSize }),
      );
    } catch (error) {
      if (
        error instanceof ExpiredIteratorException ||
        error instanceof TrimmedDataAccessException
      ) {
        state.iterator = undefined;
        return undefined;
      }
      throw error;
    }
    state.iterator = output.NextShardIterator ?? undefined;
    return { records: output.Records ?? [], finished: state.iterator === undefined };
  }

  private async iteratorFor(shardId: string): Promise<string> {
    const sequenceNumber = this.checkpoints.get(shardId)?.sequenceNumber;
    const request =
      sequenceNumber === undefined
        ? { ShardIteratorType: 'TRIM_HORIZON' as const }
        : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: sequenceNumber };
    try {
      const { ShardIterator } = await this.options.streams.send(
        new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ...request }),
      );
      return ShardIterator as string;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      this.options.log?.(
        'checkpoint is older than the stream retention; reading from the oldest record',
        {
          consumer: this.consumerName,
          shardId,
        },
      );
      const { ShardIterator } = await this.options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      return ShardIterator as string;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
