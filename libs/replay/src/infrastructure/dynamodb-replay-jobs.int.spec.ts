import { createTestLedger, type TestLedger } from '@ledger/testing';
import { describeReplayJobsContract } from '../jobs/replay-jobs.contract';
import { DynamoDbReplayJobs } from './dynamodb-replay-jobs';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await createTestLedger('replay-jobs');
});

afterAll(async () => {
  await ledger.close();
});

// Every test of the contract names jobs of its own, so one set of tables serves them all.
describeReplayJobsContract('DynamoDbReplayJobs', async () => ({
  jobs: new DynamoDbReplayJobs(ledger.client, ledger.tables.meta),
}));
