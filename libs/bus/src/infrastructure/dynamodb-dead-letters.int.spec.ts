import { createTestLedger, type TestLedger } from '@ledger/testing';
import { describeDeadLettersContract } from '../dead-letters/dead-letters.contract';
import { DynamoDbDeadLetters } from './dynamodb-dead-letters';

const ledgers: TestLedger[] = [];

afterAll(async () => {
  await Promise.all(ledgers.map((ledger) => ledger.close()));
});

// The dead letters have one partition per table: each test gets tables of its own.
describeDeadLettersContract('DynamoDbDeadLetters', async () => {
  const ledger = await createTestLedger('dead-letters');
  ledgers.push(ledger);
  return new DynamoDbDeadLetters(ledger.client, ledger.tables.meta);
});
