import {
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { translateStoreError } from '@ledger/event-store/aws';
import type { CheckpointStore, ShardCheckpoint } from '../core/checkpoint-store.port';

const partitionOf = (consumer: string): string => `consumer#${consumer}#checkpoint`;

/** A consumer's checkpoints in the meta table, one item per stream shard. */
export class DynamoDbCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async load(consumer: string): Promise<Map<string, ShardCheckpoint>> {
    const checkpoints = new Map<string, ShardCheckpoint>();
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const output = await this.client
        .send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: partitionOf(consumer) } },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        )
        .catch(translateStoreError);
      for (const item of output.Items ?? []) {
        const { shardId, sequenceNumber, finished, updatedAt } = unmarshall(
          item,
        ) as ShardCheckpoint;
        checkpoints.set(shardId, { shardId, sequenceNumber, finished, updatedAt });
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return checkpoints;
  }

  async save(
    consumer: string,
    checkpoint: Omit<ShardCheckpoint, 'updatedAt'>,
  ): Promise<ShardCheckpoint> {
    const saved = { ...checkpoint, updatedAt: this.clock().toISOString() };
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshall(
            { pk: partitionOf(consumer), sk: checkpoint.shardId, ...saved },
            { removeUndefinedValues: true },
          ),
        }),
      )
      .catch(translateStoreError);
    return saved;
  }
}
