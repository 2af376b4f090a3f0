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
