/** How far one consumer got in one shard of the events table's stream. */
export interface ShardCheckpoint {
  shardId: string;
  /** Last sequence number fully handled. */
  sequenceNumber?: string;
  /** The shard is closed and every record in it was handled. */
  finished: boolean;
  updatedAt: string;
}

/** Where a consumer keeps, per stream shard, how far it got, so a restart resumes there. */
export interface CheckpointStore {
  /** Every checkpoint of `consumer`, by shard id. */
  load(consumer: string): Promise<Map<string, ShardCheckpoint>>;
  /** Saves (replaces) one shard's checkpoint; returns it with the time it was saved. */
  save(consumer: string, checkpoint: Omit<ShardCheckpoint, 'updatedAt'>): Promise<ShardCheckpoint>;
}
