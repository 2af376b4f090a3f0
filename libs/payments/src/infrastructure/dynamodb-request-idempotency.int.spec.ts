import { IdempotencyKeyReusedError } from '@ledger/event-store';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { requestScope } from '../request-idempotency/request-idempotency.port';
import { DynamoDbRequestIdempotency } from './dynamodb-request-idempotency';

describe('DynamoDbRequestIdempotency', () => {
  let ledger: TestLedger;
  let idempotency: DynamoDbRequestIdempotency;

  beforeAll(async () => {
    ledger = await createTestLedger('request-idem');
    idempotency = new DynamoDbRequestIdempotency(ledger.client, ledger.tables.idempotency);
  });

  afterAll(() => ledger.close());

  describe('when a key and an id could be spelled to meet in one record', () => {
    it('keeps them apart: no part imitates a separator', async () => {
      const first = requestScope('acme', 'refund', 'pay_P#k');
      await idempotency.begin(first, 'x', 'hash-a', 're_1');
      await idempotency.complete(first, 'x', { statusCode: 404, body: { code: 'not_found' } });

      const second = await idempotency.begin(
        requestScope('acme', 'refund', 'pay_P'),
        'k#x',
        'hash-a',
        're_2',
      );

      expect(second).toEqual({ state: 'started', resourceId: 're_2' });
    });

    it('keeps an escaped-looking key apart from the character it spells', async () => {
      const scope = requestScope('acme', 'create-payment');
      await idempotency.begin(scope, 'a%23b', 'hash-b', 'pay_1');
      await idempotency.complete(scope, 'a%23b', { statusCode: 201, body: {} });

      const other = await idempotency.begin(scope, 'a#b', 'hash-b', 'pay_2');

      expect(other).toEqual({ state: 'started', resourceId: 'pay_2' });
    });
  });

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
