import { IdempotencyKeyReusedError } from '@ledger/event-store';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { describeRequestIdempotencyContract } from '../request-idempotency/request-idempotency.contract';
import { requestScope } from '../request-idempotency/request-idempotency.port';
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

describe('DynamoDbRequestIdempotency', () => {
  let ledger: TestLedger;
  let idempotency: DynamoDbRequestIdempotency;

  beforeAll(async () => {
    ledger = await createTestLedger('request-idem-errors');
    idempotency = new DynamoDbRequestIdempotency(ledger.client, ledger.tables.idempotency);
  });

  afterAll(() => ledger.close());

  describe('when a key comes back with another request body', () => {
    it('refuses it with the one idempotency_key_reused error the store raises too', async () => {
      const scope = requestScope('acme', 'create-payment');
      await idempotency.begin(scope, 'reused-key', 'hash-first', 'pay_3');

      const second = idempotency.begin(scope, 'reused-key', 'hash-other', 'pay_4');

      await expect(second).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await expect(second).rejects.toMatchObject({
        code: 'idempotency_key_reused',
        status: 422,
        idempotencyKey: 'reused-key',
      });
    });
  });
});
