import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbReadModelGenerations, POINTER_CACHE_MS } from './dynamodb-read-model-generations';

// Only the constructor runs here: no request is ever sent through this client.
const client = {} as DynamoDBClient;

describe('DynamoDbReadModelGenerations.propagationMs', () => {
  describe('when the instance caches the pointer as every process does', () => {
    it('is that cache lifetime', () => {
      expect(new DynamoDbReadModelGenerations(client, 'meta').propagationMs).toBe(POINTER_CACHE_MS);
    });
  });

  describe('when the instance reads the pointer fresh (the CLI)', () => {
    it("still covers the other processes' cache", () => {
      expect(new DynamoDbReadModelGenerations(client, 'meta', 0).propagationMs).toBe(
        POINTER_CACHE_MS,
      );
    });
  });

  describe('when the instance caches it longer', () => {
    it('is its own cache lifetime', () => {
      expect(new DynamoDbReadModelGenerations(client, 'meta', 5_000).propagationMs).toBe(5_000);
    });
  });
});
