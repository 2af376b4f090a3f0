import { createTestLedger } from '@ledger/testing';
import { describeRequestIdempotencyContract } from '../request-idempotency/request-idempotency.contract';
import { DynamoDbRequestIdempotency } from './dynamodb-request-idempotency';

describeRequestIdempotencyContract('DynamoDB', async ({ clock, lockSeconds }) => {
  const ledger = await createTestLedger('request-idem');
  return {
    idempotency: new DynamoDbRequestIdempotency(ledger.client, ledger.tables.idempotency, {
      clock,
      lockSeconds,
    }),
    close: () => ledger.close(),
  };
});
