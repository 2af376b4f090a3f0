import { createTestLedger } from '@ledger/testing';
import { describeCorrelationIndexContract } from '../correlate-delivery/correlation-index.contract';
import { DynamoDbCorrelationIndex } from './dynamodb-correlation-index';

describeCorrelationIndexContract('DynamoDB', async () => {
  const ledger = await createTestLedger('correlation-index');
  return {
    index: new DynamoDbCorrelationIndex(ledger.client, ledger.tables.meta),
    close: () => ledger.close(),
  };
});
