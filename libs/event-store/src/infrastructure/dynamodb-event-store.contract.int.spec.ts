import { createTestLedger } from '@ledger/testing';
import { describeEventStoreContract, type EventStoreFactory } from '../event-store.contract';
import { describeGlobalEventLogContract } from '../global-event-log.contract';

const factory: EventStoreFactory = async ({ clock, upcasters }) => {
  const ledger = await createTestLedger('store-contract', { clock, upcasters });
  return { store: ledger.store, log: ledger.store, close: () => ledger.close() };
};

describeEventStoreContract('DynamoDB', factory);
describeGlobalEventLogContract('DynamoDB', factory);
