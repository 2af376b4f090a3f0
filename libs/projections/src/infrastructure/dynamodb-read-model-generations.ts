import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LedgerError } from '@ledger/errors';
import { translateStoreError } from '@ledger/event-store/aws';
import type {
  Generations,
  ReadModelGenerations,
} from '../payment-view/read-model-generations.port';
import { FIRST_GENERATION } from './dynamodb-payment-documents';

const KEY = { pk: { S: 'read-model#payments' }, sk: { S: 'generations' } };

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

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly cacheMs = POINTER_CACHE_MS,
    readonly propagationMs = Math.max(cacheMs, POINTER_CACHE_MS),
  ) {}

  async current(): Promise<Generations> {
    const now = Date.now();
    if (this.cached !== undefined && this.cached.until > now) return this.cached.value;
    const { Item } = await this.client
      .send(new GetItemCommand({ TableName: this.table, Key: KEY, ConsistentRead: true }))
      .catch(translateStoreError);
    const value: Generations = {
      live: Item?.live?.S ?? FIRST_GENERATION,
      ...(Item?.building?.S !== undefined && { building: Item.building.S }),
      ...(Item?.previous?.S !== undefined && { previous: Item.previous.S }),
    };
    this.cached = { value, until: now + this.cacheMs };
    return value;
  }

  async startBuilding(generation: string): Promise<void> {
    await this.update(
      'SET building = :gen',
      'attribute_not_exists(building)',
      { ':gen': { S: generation } },
      'Another rebuild is building a read-model generation; wait for it or abandon it',
    );
  }

  async switchTo(generation: string): Promise<void> {
    const { live } = await this.fresh();
    await this.update(
      'SET live = :gen, previous = :old REMOVE building',
      'building = :gen',
      { ':gen': { S: generation }, ':old': { S: live } },
      `Generation ${generation} is not the one being built`,
    );
  }

  async abandon(generation: string): Promise<void> {
    await this.update(
      'REMOVE building',
      'building = :gen',
      { ':gen': { S: generation } },
      `Generation ${generation} is not the one being built`,
    );
  }

  private async fresh(): Promise<Generations> {
    this.cached = undefined;
    return this.current();
  }

  private async update(
    expression: string,
    condition: string,
    values: Record<string, { S: string }>,
    conflict: string,
  ): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: KEY,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      this.cached = undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new GenerationConflictError(conflict);
      translateStoreError(error);
    }
  }
}
