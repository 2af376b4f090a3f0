import { createTestLedger, type TestLedger } from '@ledger/testing';
import { TIME_INDEX_SHARDS, shardOf, type StoredEvent } from '../index';

describe('DynamoDbEventStore.readAll', () => {
  let ledger: TestLedger;
  // A clock the test moves by hand, so events spread over two day buckets.
  let now = new Date('2026-03-01T23:59:59.000Z');

  beforeAll(async () => {
    ledger = await createTestLedger('read-all', { clock: () => now });
  });

  afterAll(async () => {
    await ledger.close();
  });

  async function collect(iterable: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const event of iterable) events.push(event);
    return events;
  }

  function expectConsistentWithEveryStream(events: StoredEvent[]): void {
    const lastVersion = new Map<string, number>();
    for (const event of events) {
      expect(event.version).toBe((lastVersion.get(event.streamId) ?? 0) + 1);
      lastVersion.set(event.streamId, event.version);
    }
  }

  describe('when three streams are written interleaved across a day boundary', () => {
    const streams = ['acme#payment#a', 'acme#payment#b', 'globex#payment#c'];
    let all: StoredEvent[];

    beforeAll(async () => {
      const versions = new Map(streams.map((s) => [s, 0]));
      for (let i = 0; i < 30; i++) {
        const streamId = streams[i % 3 === 0 ? 0 : i % 5 === 0 ? 2 : 1];
        const version = versions.get(streamId) ?? 0;
        await ledger.store.append(streamId, version, [{ type: 'Tick', data: { i } }]);
        versions.set(streamId, version + 1);
        // Some appends share a millisecond, later ones cross midnight.
        if (i % 4 === 0) now = new Date(now.getTime() + 250);
      }
      // A clock that jumps back must not reorder a stream.
      now = new Date(now.getTime() - 60_000);
      const version = versions.get(streams[0]) ?? 0;
      await ledger.store.append(streams[0], version, [{ type: 'Tick', data: { i: 30 } }]);
      now = new Date('2026-03-02T12:00:00.000Z');
      all = await collect(ledger.store.readAll({ pageSize: 4 }));
    });

    it('returns every event once, in an order consistent with each stream', () => {
      expect(all).toHaveLength(31);
      expect(new Set(all.map((e) => e.eventId)).size).toBe(31);
      expectConsistentWithEveryStream(all);
    });

    it('returns them in ascending global position', () => {
      const positions = all.map((e) => e.position);
      expect(positions).toEqual([...positions].sort());
      expect(new Set(all.map((e) => e.recordedAt.slice(0, 10)))).toEqual(
        new Set(['2026-03-01', '2026-03-02']),
      );
    });

    it('resumes after a checkpoint with exactly the remaining events', async () => {
      const checkpoint = all[12].position;

      const rest = await collect(ledger.store.readAll({ after: checkpoint, pageSize: 3 }));

      expect(rest.map((e) => e.eventId)).toEqual(all.slice(13).map((e) => e.eventId));
    });

    it('counts what it would return, without reading it', async () => {
      const from = all[5].recordedAt;
      const to = all[20].recordedAt;

      expect(await ledger.store.countAll()).toBe(all.length);
      expect(await ledger.store.countAll({ from, to })).toBe(
        all.filter((e) => e.recordedAt >= from && e.recordedAt < to).length,
      );
    });

    it('honours from (inclusive) and to (exclusive)', async () => {
      const from = all[5].recordedAt;
      const to = all[20].recordedAt;

      const range = await collect(ledger.store.readAll({ from, to }));

      expect(range.length).toBeGreaterThan(0);
      expect(range.every((e) => e.recordedAt >= from && e.recordedAt < to)).toBe(true);
      expect(range.map((e) => e.eventId)).toEqual(
        all.filter((e) => e.recordedAt >= from && e.recordedAt < to).map((e) => e.eventId),
      );
    });

    it('splits into one reader per shard, each stream whole in one of them, in its order', async () => {
      const readers = ledger.store.readShards({ pageSize: 2 });

      const perShard = await Promise.all(readers.map((reader) => collect(reader)));

      expect(perShard).toHaveLength(TIME_INDEX_SHARDS);
      const union = perShard.flat();
      expect(union.map((e) => e.eventId).sort()).toEqual(all.map((e) => e.eventId).sort());
      for (const [shard, events] of perShard.entries()) {
        expect(events.every((e) => shardOf(e.streamId) === shard)).toBe(true);
        expectConsistentWithEveryStream(events);
      }
      expect(perShard.filter((events) => events.length > 0).length).toBeGreaterThan(1);
    });

    it('resumes each shard reader after its own position', async () => {
      const full = await Promise.all(ledger.store.readShards().map((reader) => collect(reader)));
      const after: Record<number, string> = {};
      for (const [shard, events] of full.entries()) {
        if (events.length > 1) after[shard] = events[Math.floor(events.length / 2)].position;
      }

      const resumed = await Promise.all(
        ledger.store
          .readShards({ after: (shard) => after[shard], pageSize: 3 })
          .map((reader) => collect(reader)),
      );

      for (const [shard, events] of full.entries()) {
        const from = after[shard];
        const expected = from === undefined ? events : events.filter((e) => e.position > from);
        expect(resumed[shard].map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
      }
      expect(Object.keys(after).length).toBeGreaterThan(0);
    });
  });
});
