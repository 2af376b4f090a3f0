import {
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { translateStoreError } from '@ledger/event-store';
import type { ReplayJob, ReplayJobs } from '../jobs/replay-job';

const keyOf = (replayId: string) => ({ pk: { S: `replay#${replayId}` }, sk: { S: 'job' } });

/** Replay records in the meta table. */
export class DynamoDbReplayJobs implements ReplayJobs {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async create(job: ReplayJob): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: { ...keyOf(job.replayId), ...marshall(job, { removeUndefinedValues: true }) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch(translateStoreError);
  }

  async get(replayId: string): Promise<ReplayJob | undefined> {
    const { Item } = await this.client
      .send(
        new GetItemCommand({ TableName: this.table, Key: keyOf(replayId), ConsistentRead: true }),
      )
      .catch(translateStoreError);
    if (Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...job } = unmarshall(Item) as ReplayJob & { pk: string; sk: string };
    return job;
  }

  async update(
    replayId: string,
    changes: Partial<ReplayJob>,
    remove: ReadonlyArray<keyof ReplayJob> = [],
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length === 0 && remove.length === 0) return;
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const sets = entries.map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:v${i}`] = marshall({ value }, { removeUndefinedValues: true }).value;
      return `#a${i} = :v${i}`;
    });
    const removes = remove.map((name, i) => {
      names[`#r${i}`] = name;
      return `#r${i}`;
    });
    const expression = [
      sets.length > 0 ? `SET ${sets.join(', ')}` : '',
      removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
    ].join(' ');
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: keyOf(replayId),
          UpdateExpression: expression.trim(),
          ExpressionAttributeNames: names,
          ...(sets.length > 0 && { ExpressionAttributeValues: values }),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      )
      .catch(translateStoreError);
  }
}
