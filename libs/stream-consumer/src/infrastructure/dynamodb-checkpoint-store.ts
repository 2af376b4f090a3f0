import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClientFor } from '@ledger/event-store/aws';
import type { CheckpointStore, ShardCheckpoint } from '../core/checkpoint-store.port';

const partitionOf = (consumer: string): string => `consumer#${consumer}#checkpoint`;

/** A consumer's checkpoints in the meta table, one item per stream shard. */
export class DynamoDbCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  async load(consumer: string): Promise<Map<string, ShardCheckpoint>> {
    const checkpoints = new Map<string, ShardCheckpoint>();
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partitionOf(consumer) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const { shardId, sequenceNumber, finished, updatedAt } = item as ShardCheckpoint;
        checkpoints.set(shardId, { shardId, sequenceNumber, finished, updatedAt });
      }
    }
    return checkpoints;
  }

  async save(
    consumer: string,
    checkpoint: Omit<ShardCheckpoint, 'updatedAt'>,
  ): Promise<ShardCheckpoint> {
    const saved = { ...checkpoint, updatedAt: this.clock().toISOString() };
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: partitionOf(consumer), sk: checkpoint.shardId, ...saved },
      }),
    );
    return saved;
  }
}
