import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { translateStoreError } from '@ledger/event-store/aws';
import type { ReplayJob, ReplayJobLeases, ReplayJobs } from '../jobs/replay-job';

const keyOf = (replayId: string) => ({ pk: { S: `replay#${replayId}` }, sk: { S: 'job' } });

/** Replay records in the meta table, with the lease of the worker running each. */
export class DynamoDbReplayJobs implements ReplayJobs, ReplayJobLeases {
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
    const {
      pk: _pk,
      sk: _sk,
      leaseOwner: _owner,
      leaseUntil: _until,
      ...job
    } = unmarshall(Item) as ReplayJob & {
      pk: string;
      sk: string;
      leaseOwner?: string;
      leaseUntil?: string;
    };
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

  async claim(replayId: string, owner: string, until: Date, now: Date): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: keyOf(replayId),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now ' +
            'OR leaseOwner = :owner)',
          ExpressionAttributeValues: {
            ':owner': { S: owner },
            ':until': { S: until.toISOString() },
            ':now': { S: now.toISOString() },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      return translateStoreError(error);
    }
  }

  async release(replayId: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: keyOf(replayId),
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
    } catch (error) {
      // Another owner took it after this lease ran out: nothing of ours to give up.
      if (error instanceof ConditionalCheckFailedException) return;
      translateStoreError(error);
    }
  }
}
