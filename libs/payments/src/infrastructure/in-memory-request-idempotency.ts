import { IdempotencyKeyReusedError } from '@ledger/event-store';
import { RequestInProgressError } from '../request-idempotency/request-idempotency.errors';
import {
  escapeKeyPart,
  type BeginResult,
  type RequestIdempotency,
  type StoredResponse,
} from '../request-idempotency/request-idempotency.port';

export interface InMemoryRequestIdempotencyOptions {
  /** How long a run holds its key before another may take over (default 30 s). */
  lockSeconds?: number;
  clock?: () => Date;
}

interface RequestRecord {
  status: 'in_progress' | 'completed';
  requestHash: string;
  resourceId: string;
  lockedUntil?: number;
  /** As JSON text, as the DynamoDB adapter keeps it: a replay is a copy, never the object. */
  response?: string;
}

/**
 * Request idempotency in memory: the twin of `DynamoDbRequestIdempotency`, with the same record
 * keys (scope and key escaped), the same lock in whole seconds and the same answers.
 */
export class InMemoryRequestIdempotency implements RequestIdempotency {
  private readonly records = new Map<string, RequestRecord>();
  private readonly lockSeconds: number;
  private readonly clock: () => Date;

  constructor(options: InMemoryRequestIdempotencyOptions = {}) {
    this.lockSeconds = options.lockSeconds ?? 30;
    this.clock = options.clock ?? (() => new Date());
  }

  async begin(
    scope: string,
    key: string,
    requestHash: string,
    newResourceId: string,
  ): Promise<BeginResult> {
    await Promise.resolve();
    const now = Math.floor(this.clock().getTime() / 1000);
    const id = keyOf(scope, key);
    const existing = this.records.get(id);
    const takeOver =
      existing !== undefined &&
      existing.status === 'in_progress' &&
      (existing.lockedUntil ?? 0) < now &&
      existing.requestHash === requestHash;
    if (existing !== undefined && !takeOver) {
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
    // The run before died holding the lock: keep its resource, so nothing is created twice.
    const resourceId = existing?.resourceId ?? newResourceId;
    this.records.set(id, {
      status: 'in_progress',
      requestHash,
      resourceId,
      lockedUntil: now + this.lockSeconds,
    });
    return existing === undefined
      ? { state: 'started', resourceId }
      : { state: 'resumed', resourceId };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await Promise.resolve();
    const id = keyOf(scope, key);
    const existing = this.records.get(id);
    this.records.set(id, {
      requestHash: existing?.requestHash ?? '',
      resourceId: existing?.resourceId ?? '',
      status: 'completed',
      response: JSON.stringify(response),
    });
  }
}

/** The record key, escaped as the DynamoDB adapter escapes it. */
function keyOf(scope: string, key: string): string {
  return `request#${scope}#${escapeKeyPart(key)}`;
}
