import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LedgerError } from '@ledger/errors';
import { documentClientFor } from '@ledger/event-store/aws';
import type {
  Generations,
  ReadModelGenerations,
} from '../payment-view/read-model-generations.port';
import { FIRST_GENERATION } from './dynamodb-payment-documents';

const KEY = { pk: 'read-model#payments', sk: 'generations' };

/** A rebuild could not start or switch because the pointer is not where it expected. */
export class GenerationConflictError extends LedgerError {
  readonly code = 'rebuild_conflict';
  readonly status = 409;
}

/** How long every process of a deployment caches the pointer (queries, the projector). */
export const POINTER_CACHE_MS = 1000;

/**
 * The generation pointer in the meta table. `current` is cached for `cacheMs` (default
 * `POINTER_CACHE_MS`), so queries and the projector do not read it on every call. Its
 * `propagationMs` is the longest any reader of the deployment may still act on an older pointer,
 * whatever this instance's own cache (the CLI and tests read it fresh): a rebuild waits that out
 * after `startBuilding` before its catch-up reads.
 */
export class DynamoDbReadModelGenerations implements ReadModelGenerations {
  private cached?: { value: Generations; until: number };
  private reading?: Promise<Generations>;
  /** Moves on at each write of this instance: a read begun before it does not fill the cache. */
  private writes = 0;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly cacheMs = POINTER_CACHE_MS,
    readonly propagationMs = Math.max(cacheMs, POINTER_CACHE_MS),
  ) {}

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  async current(): Promise<Generations> {
    const now = Date.now();
    if (this.cached !== undefined && this.cached.until > now) return this.cached.value;
    // One read at a time: the callers that find the cache expired together share it.
    this.reading ??= this.read(now).finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(now: number): Promise<Generations> {
    const writesBefore = this.writes;
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: KEY, ConsistentRead: true }),
    );
    const pointer = (Item ?? {}) as Partial<Generations>;
    const value: Generations = {
      live: pointer.live ?? FIRST_GENERATION,
      ...(pointer.building !== undefined && { building: pointer.building }),
      ...(pointer.previous !== undefined && { previous: pointer.previous }),
    };
    if (this.writes === writesBefore) this.cached = { value, until: now + this.cacheMs };
    return value;
  }

  async startBuilding(generation: string): Promise<void> {
    await this.update(
      'SET building = :gen',
      'attribute_not_exists(building)',
      { ':gen': generation },
      'Another rebuild is building a read-model generation; wait for it or abandon it',
    );
  }

  async switchTo(generation: string): Promise<void> {
    const { live } = await this.fresh();
    await this.update(
      'SET live = :gen, previous = :old REMOVE building',
      'building = :gen',
      { ':gen': generation, ':old': live },
      `Generation ${generation} is not the one being built`,
    );
  }

  async abandon(generation: string): Promise<void> {
    await this.update(
      'REMOVE building',
      'building = :gen',
      { ':gen': generation },
      `Generation ${generation} is not the one being built`,
    );
  }

  /** Read now, not joined to a read already under way (it may have begun before a write). */
  private async fresh(): Promise<Generations> {
    this.cached = undefined;
    return this.read(Date.now());
  }

  private async update(
    expression: string,
    condition: string,
    values: Record<string, string>,
    conflict: string,
  ): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: KEY,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      this.writes += 1;
      this.cached = undefined;
      this.reading = undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new GenerationConflictError(conflict);
      throw error;
    }
  }
}
