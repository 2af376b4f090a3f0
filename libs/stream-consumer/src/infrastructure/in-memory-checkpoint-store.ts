import type { CheckpointStore, ShardCheckpoint } from '../core/checkpoint-store.port';

/** Consumer checkpoints in memory, one per consumer and shard, as the meta table keeps them. */
export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly byConsumer = new Map<string, Map<string, ShardCheckpoint>>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  load(consumer: string): Promise<Map<string, ShardCheckpoint>> {
    const saved = this.byConsumer.get(consumer) ?? new Map<string, ShardCheckpoint>();
    return Promise.resolve(
      new Map([...saved].map(([shardId, checkpoint]) => [shardId, { ...checkpoint }])),
    );
  }

  save(consumer: string, checkpoint: Omit<ShardCheckpoint, 'updatedAt'>): Promise<ShardCheckpoint> {
    const saved: ShardCheckpoint = {
      shardId: checkpoint.shardId,
      ...(checkpoint.sequenceNumber !== undefined && { sequenceNumber: checkpoint.sequenceNumber }),
      finished: checkpoint.finished,
      updatedAt: this.clock().toISOString(),
    };
    let shards = this.byConsumer.get(consumer);
    if (shards === undefined) {
      shards = new Map();
      this.byConsumer.set(consumer, shards);
    }
    shards.set(checkpoint.shardId, saved);
    return Promise.resolve({ ...saved });
  }
}
