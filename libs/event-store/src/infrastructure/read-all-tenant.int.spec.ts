import { createTestLedger, type TestLedger } from '@ledger/testing';
import type { StoredEvent } from '../index';

describe("DynamoDbEventStore global reads of one tenant's events", () => {
  let ledger: TestLedger;
  let now = new Date('2026-05-01T23:59:58.000Z');
  // A tenant whose id is another's prefix: the filter must not mix them up.
  const streams = ['acme#payment#a', 'acme-2#payment#b', 'globex#payment#c', 'acme#delivery#d'];
  let all: StoredEvent[];

  beforeAll(async () => {
    ledger = await createTestLedger('read-all-tenant', { clock: () => now });
    const versions = new Map(streams.map((s) => [s, 0]));
    for (let i = 0; i < 24; i++) {
      const streamId = streams[i % streams.length];
      const version = versions.get(streamId) ?? 0;
      await ledger.store.append(streamId, version, [{ type: 'Tick', data: { i } }]);
      versions.set(streamId, version + 1);
      // Across a day boundary, so several buckets are read.
      now = new Date(now.getTime() + 200);
    }
    now = new Date('2026-05-03T00:00:00.000Z');
    all = await collect(ledger.store.readAll());
  });

  afterAll(() => ledger.close());

  async function collect(iterable: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const event of iterable) events.push(event);
    return events;
  }

  const acme = (): StoredEvent[] => all.filter((e) => e.streamId.startsWith('acme#'));

  describe('when a tenant is given', () => {
    it('reads, resumes and counts only that tenant, in the global order', async () => {
      const read = await collect(ledger.store.readAll({ tenantId: 'acme', pageSize: 3 }));
      const resumed = await collect(
        ledger.store.readAll({ tenantId: 'acme', after: read[4].position }),
      );
      const counted = await ledger.store.countAll({ tenantId: 'acme' });

      expect(read.map((e) => e.eventId)).toEqual(acme().map((e) => e.eventId));
      expect(resumed.map((e) => e.eventId)).toEqual(
        acme()
          .slice(5)
          .map((e) => e.eventId),
      );
      expect(counted).toBe(acme().length);
    });

    it('splits into shard readers holding only that tenant', async () => {
      const shards = ledger.store.readShards({ tenantId: 'acme', pageSize: 2 });
      const read = (await Promise.all(shards.map(collect))).flat();

      expect(read.map((e) => e.eventId).sort()).toEqual(
        acme()
          .map((e) => e.eventId)
          .sort(),
      );
    });
  });
});
