import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchGetInOrder, documentClientFor } from '@ledger/event-store/aws';
import {
  recentLimit,
  type RecentReplayJobs,
  type ReplayJob,
  type ReplayJobLeases,
  type ReplayJobs,
} from '../jobs/replay-job';

const keyOf = (replayId: string) => ({ pk: `replay#${replayId}`, sk: 'job' });

/** The list partitions: every job's, and one per tenant for the jobs of that tenant. */
const EVERY_JOB = 'replay-jobs#all';
const listOf = (tenantId: string | undefined): string =>
  tenantId === undefined ? EVERY_JOB : `replay-jobs#tenant#${tenantId}`;

type StoredJob = ReplayJob & { pk: string; sk: string; leaseOwner?: string; leaseUntil?: string };

/**
 * Replay records in the meta table, with the lease of the worker running each. Creating a job
 * also writes, in the same transaction, a small entry (its id, sorted by `<startedAt>#<id>`) in
 * the partition of every job and in its tenant's, so `recent` is one Query of the partition it
 * needs and one batch read of the jobs it names: the cost follows the page, not the table, and
 * progress updates touch the job alone.
 */
export class DynamoDbReplayJobs implements ReplayJobs, ReplayJobLeases {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  async create(job: ReplayJob): Promise<void> {
    const lists = [
      EVERY_JOB,
      ...(job.scope.tenantId === undefined ? [] : [listOf(job.scope.tenantId)]),
    ];
    await this.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { ...keyOf(job.replayId), ...job },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...lists.map((pk) => ({
            Put: {
              TableName: this.table,
              Item: { pk, sk: `${job.startedAt}#${job.replayId}`, replayId: job.replayId },
            },
          })),
        ],
      }),
    );
  }

  async recent({ tenantId, limit }: RecentReplayJobs): Promise<ReplayJob[]> {
    const { Items = [] } = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :list',
        ExpressionAttributeValues: { ':list': listOf(tenantId) },
        ProjectionExpression: 'replayId',
        ScanIndexForward: false,
        Limit: recentLimit(limit),
      }),
    );
    const ids = Items.map((item) => String(item.replayId));
    const items = await batchGetInOrder(this.documents, this.table, ids.map(keyOf));
    return items.flatMap((item) => (item === undefined ? [] : [jobOf(item)]));
  }

  async get(replayId: string): Promise<ReplayJob | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: keyOf(replayId), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : jobOf(Item);
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

/** A stored item as the job it records: without its keys and the worker's lease. */
function jobOf(item: Record<string, unknown>): ReplayJob {
  const {
    pk: _pk,
    sk: _sk,
    leaseOwner: _owner,
    leaseUntil: _until,
    ...job
  } = item as unknown as StoredJob;
  return job;
}
