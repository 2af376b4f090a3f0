/**
 * The contract of the `GlobalEventLog` port (the global order replay reads), one suite run
 * against every adapter: in memory as a unit spec, DynamoDB Local as an int spec.
 */
import type { StoredEvent } from './event';
import type { EventStoreFactory } from './event-store.contract';
import { contractUpcasters } from './event-store.contract';
import { TIME_INDEX_LANES, laneOf } from './time-index/time-index';

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

/** Runs the global-event-log contract against the adapter `factory` makes. */
export function describeGlobalEventLogContract(adapter: string, factory: EventStoreFactory): void {
  describe(`GlobalEventLog contract: ${adapter}`, () => {
    describe('when three streams are written interleaved across a day boundary', () => {
      const streams = ['acme#payment#a', 'acme#payment#b', 'globex#payment#c'];
      // A clock the test moves by hand, so events spread over two day buckets.
      let now = new Date('2026-03-01T23:59:59.000Z');
      let subject: Awaited<ReturnType<EventStoreFactory>>;
      let all: StoredEvent[];

      beforeAll(async () => {
        subject = await factory({ clock: () => now });
        const versions = new Map(streams.map((s) => [s, 0]));
        for (let i = 0; i < 30; i++) {
          const streamId = streams[i % 3 === 0 ? 0 : i % 5 === 0 ? 2 : 1];
          const version = versions.get(streamId) ?? 0;
          await subject.store.append(streamId, version, [{ type: 'Tick', data: { i } }]);
          versions.set(streamId, version + 1);
          // Some appends share a millisecond, later ones cross midnight.
          if (i % 4 === 0) now = new Date(now.getTime() + 250);
        }
        // A clock that jumps back must not reorder a stream.
        now = new Date(now.getTime() - 60_000);
        const version = versions.get(streams[0]) ?? 0;
        await subject.store.append(streams[0], version, [{ type: 'Tick', data: { i: 30 } }]);
        now = new Date('2026-03-02T12:00:00.000Z');
        all = await collect(subject.log.readAll({ pageSize: 4 }));
      });

      afterAll(() => subject.close());

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

        const rest = await collect(subject.log.readAll({ after: checkpoint, pageSize: 3 }));

        expect(rest.map((e) => e.eventId)).toEqual(all.slice(13).map((e) => e.eventId));
      });

      it('counts what it would return, without reading it', async () => {
        const from = all[5].recordedAt;
        const to = all[20].recordedAt;

        expect(await subject.log.countAll()).toBe(all.length);
        expect(await subject.log.countAll({ from, to })).toBe(
          all.filter((e) => e.recordedAt >= from && e.recordedAt < to).length,
        );
      });

      it('honours from (inclusive) and to (exclusive)', async () => {
        const from = all[5].recordedAt;
        const to = all[20].recordedAt;

        const range = await collect(subject.log.readAll({ from, to }));

        expect(range.length).toBeGreaterThan(0);
        expect(range.every((e) => e.recordedAt >= from && e.recordedAt < to)).toBe(true);
        expect(range.map((e) => e.eventId)).toEqual(
          all.filter((e) => e.recordedAt >= from && e.recordedAt < to).map((e) => e.eventId),
        );
      });

      it('reads nothing from an empty or inverted range', async () => {
        const at = all[10].recordedAt;

        expect(await collect(subject.log.readAll({ from: at, to: at }))).toEqual([]);
        expect(await subject.log.countAll({ from: all[20].recordedAt, to: at })).toBe(0);
      });

      it('reads only what was recorded before now when no end is given', async () => {
        const saved = now;
        now = new Date(all[20].recordedAt);

        const untilNow = await collect(subject.log.readAll());

        now = saved;
        expect(untilNow.map((e) => e.eventId)).toEqual(
          all.filter((e) => e.recordedAt < all[20].recordedAt).map((e) => e.eventId),
        );
      });

      it('splits into one reader per lane, each stream whole in one of them, in its order', async () => {
        const readers = subject.log.readShards({ pageSize: 2 });

        const perShard = await Promise.all(readers.map((reader) => collect(reader)));

        expect(perShard).toHaveLength(TIME_INDEX_LANES);
        const union = perShard.flat();
        expect(union.map((e) => e.eventId).sort()).toEqual(all.map((e) => e.eventId).sort());
        for (const [shard, events] of perShard.entries()) {
          expect(events.every((e) => laneOf(e.streamId) === shard)).toBe(true);
          expectConsistentWithEveryStream(events);
        }
        expect(perShard.filter((events) => events.length > 0).length).toBeGreaterThan(1);
      });

      it('resumes each shard reader after its own position', async () => {
        const full = await Promise.all(subject.log.readShards().map((reader) => collect(reader)));
        const after: Record<number, string> = {};
        for (const [shard, events] of full.entries()) {
          if (events.length > 1) after[shard] = events[Math.floor(events.length / 2)].position;
        }

        const resumed = await Promise.all(
          subject.log
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

    describe("when one tenant's events are asked for", () => {
      // A tenant whose id is another's prefix: the filter must not mix them up.
      const streams = ['acme#payment#a', 'acme-2#payment#b', 'globex#payment#c', 'acme#delivery#d'];
      let now = new Date('2026-05-01T23:59:58.000Z');
      let subject: Awaited<ReturnType<EventStoreFactory>>;
      let all: StoredEvent[];

      beforeAll(async () => {
        subject = await factory({ clock: () => now });
        const versions = new Map(streams.map((s) => [s, 0]));
        for (let i = 0; i < 24; i++) {
          const streamId = streams[i % streams.length];
          const version = versions.get(streamId) ?? 0;
          await subject.store.append(streamId, version, [{ type: 'Tick', data: { i } }]);
          versions.set(streamId, version + 1);
          // Across a day boundary, so several buckets are read.
          now = new Date(now.getTime() + 200);
        }
        now = new Date('2026-05-03T00:00:00.000Z');
        all = await collect(subject.log.readAll());
      });

      afterAll(() => subject.close());

      const acme = (): StoredEvent[] => all.filter((e) => e.streamId.startsWith('acme#'));

      it('reads, resumes and counts only that tenant, in the global order', async () => {
        const read = await collect(subject.log.readAll({ tenantId: 'acme', pageSize: 3 }));
        const resumed = await collect(
          subject.log.readAll({ tenantId: 'acme', after: read[4].position }),
        );
        const counted = await subject.log.countAll({ tenantId: 'acme' });

        expect(read.map((e) => e.eventId)).toEqual(acme().map((e) => e.eventId));
        expect(resumed.map((e) => e.eventId)).toEqual(
          acme()
            .slice(5)
            .map((e) => e.eventId),
        );
        expect(counted).toBe(acme().length);
      });

      it('splits into shard readers holding only that tenant', async () => {
        const shards = subject.log.readShards({ tenantId: 'acme', pageSize: 2 });
        const read = (await Promise.all(shards.map(collect))).flat();

        expect(read.map((e) => e.eventId).sort()).toEqual(
          acme()
            .map((e) => e.eventId)
            .sort(),
        );
      });
    });

    describe('when events were written in an older shape', () => {
      let subject: Awaited<ReturnType<EventStoreFactory>>;

      beforeAll(async () => {
        subject = await factory({
          clock: () => new Date('2026-05-01T10:00:00.000Z'),
          upcasters: contractUpcasters,
        });
        await subject.store.append('acme#customer#c1', 0, [
          { type: 'CustomerSignedUp', schemaVersion: 1, data: { name: 'Ada Lovelace' } },
        ]);
      });

      afterAll(() => subject.close());

      it('upcasts what readAll and readShards return', async () => {
        const to = '2026-05-02T00:00:00.000Z';
        const all = await collect(subject.log.readAll({ to }));
        const shards = (await Promise.all(subject.log.readShards({ to }).map(collect))).flat();

        const v2 = { schemaVersion: 2, data: { firstName: 'Ada', lastName: 'Lovelace' } };
        expect(all).toEqual([expect.objectContaining(v2)]);
        expect(shards).toEqual([expect.objectContaining(v2)]);
      });
    });
  });
}
