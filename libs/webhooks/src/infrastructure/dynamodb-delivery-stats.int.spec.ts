import { createTestLedger, type TestLedger } from '@ledger/testing';
import { describeDeliveryStatsContract } from '../receive-webhook/delivery-stats.contract';
import { DynamoDbDeliveryStats } from './dynamodb-delivery-stats';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await createTestLedger('delivery-stats');
});

afterAll(async () => {
  await ledger.close();
});

// Every test of the contract uses deliveries of its own, so one set of tables serves them all.
describeDeliveryStatsContract(
  'DynamoDbDeliveryStats',
  async () => new DynamoDbDeliveryStats(ledger.client, ledger.tables.meta),
);
