import { createTestLedger } from '@ledger/testing';
import { describeReadModelGenerationsContract } from '../payment-view/read-model-generations.contract';
import { DynamoDbReadModelGenerations } from './dynamodb-read-model-generations';

// Each test starts from a fresh pointer: tables of its own, and no cache (cacheMs 0).
describeReadModelGenerationsContract('DynamoDB', async () => {
  const ledger = await createTestLedger('generations');
  return {
    generations: new DynamoDbReadModelGenerations(ledger.client, ledger.tables.meta, 0),
    close: () => ledger.close(),
  };
});

describe('DynamoDbReadModelGenerations, cached', () => {
  it('reads the pointer once for the callers that find the cache expired together', async () => {
    // Arrange: a client that counts its reads of single items.
    const ledger = await createTestLedger('generations-cache');
    let reads = 0;
    ledger.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (/^Get(Item)?Command$/.test(context.commandName ?? '')) reads += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countGets' },
    );
    const generations = new DynamoDbReadModelGenerations(ledger.client, ledger.tables.meta, 60_000);

    try {
      // Act: as a consumer's sixteen concurrent records do.
      const seen = await Promise.all(Array.from({ length: 16 }, () => generations.current()));
      await generations.current();

      // Assert
      expect(reads).toBe(1);
      expect(new Set(seen.map((g) => g.live)).size).toBe(1);
    } finally {
      await ledger.close();
    }
  });

  it('never keeps what a read begun before its own write returned', async () => {
    const ledger = await createTestLedger('generations-write');
    const generations = new DynamoDbReadModelGenerations(ledger.client, ledger.tables.meta, 60_000);

    try {
      const before = generations.current();
      await generations.startBuilding('g2');
      await before;

      expect(await generations.current()).toMatchObject({ live: 'g1', building: 'g2' });
    } finally {
      await ledger.close();
    }
  });
});
