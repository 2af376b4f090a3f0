import { createTestLedger, type TestLedger } from '@ledger/testing';
import { describeCheckpointStoreContract } from '../core/checkpoint-store.contract';
import { DynamoDbCheckpointStore } from './dynamodb-checkpoint-store';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await createTestLedger('checkpoints');
});

afterAll(async () => {
  await ledger.close();
});

// Every test of the contract uses consumers of its own, so one set of tables serves them all.
describeCheckpointStoreContract(
  'DynamoDbCheckpointStore',
  async (clock) => new DynamoDbCheckpointStore(ledger.client, ledger.tables.meta, clock),
);
