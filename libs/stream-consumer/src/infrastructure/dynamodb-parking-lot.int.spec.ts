import { createTestLedger, type TestLedger } from '@ledger/testing';
import { describeParkingLotContract } from '../core/parking-lot.contract';
import { DynamoDbParkingLot } from './dynamodb-parking-lot';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await createTestLedger('parking-lot');
});

afterAll(async () => {
  await ledger.close();
});

// Every test of the contract uses consumers of its own, so one set of tables serves them all.
describeParkingLotContract(
  'DynamoDbParkingLot',
  async () => new DynamoDbParkingLot(ledger.client, ledger.tables.meta),
);
