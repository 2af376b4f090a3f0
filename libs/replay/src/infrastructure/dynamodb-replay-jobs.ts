import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { documentClientFor } from '@ledger/event-store/aws';
import type { ReplayJob, ReplayJobLeases, ReplayJobs } from '../jobs/replay-job';

const keyOf = (replayId: string) => ({ pk: `replay#${replayId}`, sk: 'job' });

/** Replay records in the meta table, with the lease of the worker running each. */
export class DynamoDbReplayJobs implements ReplayJobs, ReplayJobLeases {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  async create(job: ReplayJob): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keyOf(job.replayId), ...job },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(replayId: string): Promise<ReplayJob | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: keyOf(replayId), ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    const {
      pk: _pk,
      sk: _sk,
      leaseOwner: _owner,
      leaseUntil: _until,
      ...job
    } = Item as ReplayJob & {
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
    const values: Record<string, unknown> = {};
    const sets = entries.map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:v${i}`] = value;
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
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keyOf(replayId),
        UpdateExpression: expression.trim(),
        ExpressionAttributeNames: names,
        ...(sets.length > 0 && { ExpressionAttributeValues: values }),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async claim(replayId: string, owner: string, until: Date, now: Date): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(replayId),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now ' +
            'OR leaseOwner = :owner)',
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': until.toISOString(),
            ':now': now.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(replayId: string, owner: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(replayId),
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      // Another owner took it after this lease ran out: nothing of ours to give up.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }
}
