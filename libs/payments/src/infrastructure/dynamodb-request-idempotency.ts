import {
  ConditionalCheckFailedException,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { IdempotencyKeyReusedError } from '@ledger/event-store';
import { translateStoreError } from '@ledger/event-store/aws';
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

  async begin(
    scope: string,
    key: string,
    requestHash: string,
    newResourceId: string,
  ): Promise<BeginResult> {
    const now = Math.floor(this.clock().getTime() / 1000);
    try {
      const output = await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: keyOf(scope, key) },
            status: { S: 'in_progress' },
            requestHash: { S: requestHash },
            resourceId: { S: newResourceId },
            lockedUntil: { N: String(now + this.lockSeconds) },
            expiresAt: { N: String(now + this.retentionSeconds) },
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR (#status = :inProgress AND lockedUntil < :now AND requestHash = :hash)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':inProgress': { S: 'in_progress' },
            ':now': { N: String(now) },
            ':hash': { S: requestHash },
          },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const previous = output.Attributes?.resourceId?.S;
      if (previous === undefined) return { state: 'started', resourceId: newResourceId };
      // The run before died holding the lock: keep its resource, so nothing is created twice.
      await this.keepResource(scope, key, previous);
      return { state: 'resumed', resourceId: previous };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || error.Item === undefined) {
        return translateStoreError(error);
      }
      const existing = error.Item;
      if (existing.requestHash?.S !== requestHash) {
        throw new IdempotencyKeyReusedError(
          key,
          'This Idempotency-Key was already used with a different request',
        );
      }
      if (existing.status?.S === 'completed') {
        return {
          state: 'completed',
          response: JSON.parse(existing.response?.S ?? '{}') as StoredResponse,
        };
      }
      throw new RequestInProgressError();
    }
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: keyOf(scope, key) } },
          UpdateExpression: 'SET #status = :completed, #response = :response REMOVE lockedUntil',
          ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
          ExpressionAttributeValues: {
            ':completed': { S: 'completed' },
            ':response': { S: JSON.stringify(response) },
          },
        }),
      )
      .catch(translateStoreError);
  }

  private async keepResource(scope: string, key: string, resourceId: string): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: keyOf(scope, key) } },
          UpdateExpression: 'SET resourceId = :id',
          ExpressionAttributeValues: { ':id': { S: resourceId } },
        }),
      )
      .catch(translateStoreError);
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
