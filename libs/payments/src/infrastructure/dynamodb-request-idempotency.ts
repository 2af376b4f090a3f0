import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { IdempotencyKeyReusedError } from '@ledger/event-store';
import { documentClientFor } from '@ledger/event-store/aws';
import { RequestInProgressError } from '../request-idempotency/request-idempotency.errors';
import {
  escapeKeyPart,
  type BeginResult,
  type RequestIdempotency,
  type StoredResponse,
} from '../request-idempotency/request-idempotency.port';

export interface DynamoDbRequestIdempotencyOptions {
  /** How long a run holds its key before another may take over (default 30 s). */
  lockSeconds?: number;
  /** How long a completed response is kept (default 24 h; DynamoDB TTL attribute `expiresAt`). */
  retentionSeconds?: number;
  clock?: () => Date;
}

/**
 * Request idempotency records in the idempotency table. One conditional PutItem claims a key:
 * it succeeds for a new key or a run whose lock expired (returning the old record, so the same
 * resource is resumed), and otherwise fails with the existing record (ALL_OLD), from which the
 * answer is decided without another read.
 */
export class DynamoDbRequestIdempotency implements RequestIdempotency {
  private readonly lockSeconds: number;
  private readonly retentionSeconds: number;
  private readonly clock: () => Date;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    options: DynamoDbRequestIdempotencyOptions = {},
  ) {
    this.lockSeconds = options.lockSeconds ?? 30;
    this.retentionSeconds = options.retentionSeconds ?? 24 * 3600;
    this.clock = options.clock ?? (() => new Date());
  }

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  async begin(
    scope: string,
    key: string,
    requestHash: string,
    newResourceId: string,
  ): Promise<BeginResult> {
    const now = Math.floor(this.clock().getTime() / 1000);
    try {
      const output = await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: keyOf(scope, key),
            status: 'in_progress',
            requestHash,
            resourceId: newResourceId,
            lockedUntil: now + this.lockSeconds,
            expiresAt: now + this.retentionSeconds,
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR (#status = :inProgress AND lockedUntil < :now AND requestHash = :hash)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':inProgress': 'in_progress',
            ':now': now,
            ':hash': requestHash,
          },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const previous = output.Attributes?.resourceId as string | undefined;
      if (previous === undefined) return { state: 'started', resourceId: newResourceId };
      // The run before died holding the lock: keep its resource, so nothing is created twice.
      await this.keepResource(scope, key, previous);
      return { state: 'resumed', resourceId: previous };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || error.Item === undefined) {
        throw error;
      }
      // The document client leaves a failed condition's old image as DynamoDB returned it.
      const existing = unmarshall(error.Item) as Partial<Record<string, string>>;
      if (existing.requestHash !== requestHash) {
        throw new IdempotencyKeyReusedError(
          key,
          'This Idempotency-Key was already used with a different request',
        );
      }
      if (existing.status === 'completed') {
        return {
          state: 'completed',
          response: JSON.parse(existing.response ?? '{}') as StoredResponse,
        };
      }
      throw new RequestInProgressError();
    }
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: keyOf(scope, key) },
        UpdateExpression: 'SET #status = :completed, #response = :response REMOVE lockedUntil',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: {
          ':completed': 'completed',
          ':response': JSON.stringify(response),
        },
      }),
    );
  }

  private async keepResource(scope: string, key: string, resourceId: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: keyOf(scope, key) },
        UpdateExpression: 'SET resourceId = :id',
        ExpressionAttributeValues: { ':id': resourceId },
      }),
    );
  }
}

/**
 * Request records share the idempotency table with event-store markers, under their own prefix.
 * The scope's parts are escaped where it is built (`requestScope`) and the client's key here, so
 * the last `#` always separates the two and no key can reach into another scope.
 */
function keyOf(scope: string, key: string): string {
  return `request#${scope}#${escapeKeyPart(key)}`;
}
