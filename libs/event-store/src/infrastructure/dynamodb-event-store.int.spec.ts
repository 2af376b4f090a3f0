import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { ConcurrencyConflictError, EventTooLargeError, IdempotencyKeyReusedError } from '../index';

// The port's contract runs in dynamodb-event-store.contract.int.spec.ts; what is here is about the
// items DynamoDB holds.
describe('DynamoDbEventStore', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await createTestLedger('store');
  });

  afterAll(async () => {
    await ledger.close();
  });

  async function countItems(table: string, streamId?: string): Promise<number> {
    const output = await ledger.client.send(
      new ScanCommand({
        TableName: table,
        ...(streamId && {
          FilterExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: streamId } },
        }),
      }),
    );
    return output.Count ?? 0;
  }

  describe('when 20 writers race on one expected version', () => {
    it('lets exactly one win and tells the others the actual version', async () => {
      const streamId = 'acme#payment#race';
      await ledger.store.append(streamId, 0, [{ type: 'PaymentRequested', data: {} }]);

      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          ledger.store.append(streamId, 1, [{ type: 'Writer', data: { writer: i } }]),
        ),
      );

      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const loss of lost) {
        expect(loss.reason).toBeInstanceOf(ConcurrencyConflictError);
        expect((loss.reason as ConcurrencyConflictError).actualVersion).toBe(2);
      }
      expect(await countItems(ledger.tables.events, streamId)).toBe(2);
    });
  });

  describe('when the expected version is ahead of the stream', () => {
    it('refuses the append instead of leaving a gap', async () => {
      const streamId = 'acme#payment#gap';
      await ledger.store.append(streamId, 0, [{ type: 'A', data: {} }]);

      await expect(
        ledger.store.append(streamId, 3, [{ type: 'B', data: {} }]),
      ).rejects.toMatchObject({
        actualVersion: 1,
        expectedVersion: 3,
      });
      expect(await countItems(ledger.tables.events, streamId)).toBe(1);
    });
  });

  describe('when 50 concurrent appends carry one idempotency key', () => {
    it('writes exactly one event and returns the first result to every caller', async () => {
      const streamId = 'acme#payment#idem';

      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          ledger.store.append(streamId, 0, [{ type: 'PaymentRequested', data: { amount: 5 } }], {
            idempotencyKey: 'acme#create#key-1',
          }),
        ),
      );

      expect(await countItems(ledger.tables.events, streamId)).toBe(1);
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.eventIds[0])).size).toBe(1);
      expect(results.every((r) => r.toVersion === 1)).toBe(true);
    });
  });

  describe('when an idempotency key is reused', () => {
    it('returns the first result for the same payload, even at a later expected version', async () => {
      const streamId = 'acme#payment#idem-repeat';
      const first = await ledger.store.append(streamId, 0, [{ type: 'A', data: { n: 1 } }], {
        idempotencyKey: 'k-repeat',
      });

      const again = await ledger.store.append(streamId, 1, [{ type: 'A', data: { n: 1 } }], {
        idempotencyKey: 'k-repeat',
      });

      expect(again).toEqual({ ...first, duplicate: true });
      expect(await countItems(ledger.tables.events, streamId)).toBe(1);
    });

    it('fails with a typed error for a different payload and writes nothing', async () => {
      const streamId = 'acme#payment#idem-reused';
      await ledger.store.append(streamId, 0, [{ type: 'A', data: { n: 1 } }], {
        idempotencyKey: 'k-reused',
      });

      await expect(
        ledger.store.append(streamId, 1, [{ type: 'A', data: { n: 2 } }], {
          idempotencyKey: 'k-reused',
        }),
      ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect(await countItems(ledger.tables.events, streamId)).toBe(1);
    });
  });

  describe('when an event is larger than the limit', () => {
    it('refuses the whole append before anything is written', async () => {
      const streamId = 'acme#payment#huge';
      const before = await countItems(ledger.tables.events);

      await expect(
        ledger.store.append(
          streamId,
          0,
          [
            { type: 'Small', data: {} },
            { type: 'Huge', data: { blob: 'x'.repeat(360 * 1024) } },
          ],
          { idempotencyKey: 'k-huge' },
        ),
      ).rejects.toBeInstanceOf(EventTooLargeError);

      expect(await countItems(ledger.tables.events)).toBe(before);
      const marker = await ledger.client.send(
        new GetItemCommand({ TableName: ledger.tables.idempotency, Key: { pk: { S: 'k-huge' } } }),
      );
      expect(marker.Item).toBeUndefined();
      expect(await ledger.store.readHead(streamId)).toBeUndefined();
    });
  });
});
