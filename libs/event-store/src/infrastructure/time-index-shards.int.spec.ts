import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import type { StoredEvent } from '../event';
import { TIME_INDEX_LANES, laneOf, shardOf, timeIndexPartition } from '../time-index/time-index';
import { documentClientFor } from './document-client';
import { DynamoDbEventStore } from './dynamodb-event-store';
import { TIME_INDEX_NAME } from './tables';

async function collect(iterable: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

const DAY_ONE = '2026-03-01';
const DAY_TWO = '2026-03-02';
const streams = Array.from({ length: 40 }, (_, i) => `acme#payment#p${i}`);

// A deployment that raised TIME_INDEX_SHARDS from 8 to 16 between two days: events of both days
// stay readable, in order, because each day is read with the count it was written with.
describe('DynamoDbEventStore time index with changing shard counts', () => {
  let ledger: TestLedger;
  let now = new Date(`${DAY_ONE}T10:00:00.000Z`);
  const clock = (): Date => now;
  let eight: DynamoDbEventStore;
  let sixteen: DynamoDbEventStore;
  const written: string[] = [];

  async function appendEach(store: DynamoDbEventStore, version: number): Promise<void> {
    for (const streamId of streams) {
      now = new Date(now.getTime() + 7);
      const result = await store.append(streamId, version - 1, [
        { type: 'Step', data: { version, body: 'x'.repeat(200) } },
      ]);
      written.push(...result.eventIds);
    }
  }

  async function partitionsHolding(day: string, shards: number): Promise<number[]> {
    const documents = documentClientFor(ledger.client);
    const used: number[] = [];
    for (let shard = 0; shard < shards; shard++) {
      const output = await documents.send(
        new QueryCommand({
          TableName: ledger.tables.events,
          IndexName: TIME_INDEX_NAME,
          KeyConditionExpression: 'tix = :p',
          ExpressionAttributeValues: { ':p': timeIndexPartition(day, shard) },
        }),
      );
      if ((output.Count ?? 0) > 0) used.push(shard);
    }
    return used;
  }

  beforeAll(async () => {
    ledger = await createTestLedger('tix-shards', { clock, timeIndexShards: 8 });
    eight = ledger.store;
    sixteen = new DynamoDbEventStore({
      client: ledger.client,
      tables: ledger.tables,
      clock,
      timeIndexShards: 16,
    });
    // Day one: the 8-shard release writes, and the 16-shard one joins later that day.
    await appendEach(eight, 1);
    await appendEach(sixteen, 2);
    // Day two: the 16-shard release writes first, so the day has 16, whoever writes next.
    now = new Date(`${DAY_TWO}T10:00:00.000Z`);
    await appendEach(sixteen, 3);
    await appendEach(eight, 4);
    now = new Date(`${DAY_TWO}T23:00:00.000Z`);
  });

  afterAll(async () => {
    await ledger.close();
  });

  it('writes each day with the count its first writer recorded', async () => {
    const dayOne = await partitionsHolding(DAY_ONE, 16);
    const dayTwo = await partitionsHolding(DAY_TWO, 16);

    expect(Math.max(...dayOne)).toBeLessThan(8);
    expect(Math.max(...dayTwo)).toBeGreaterThanOrEqual(8);
    expect(dayTwo).toEqual(
      [...new Set(streams.map((id) => shardOf(id, 16)))].sort((a, b) => a - b),
    );
  });

  it('replays both days completely and in order, from either store', async () => {
    for (const store of [eight, sixteen]) {
      const all = await collect(store.readAll({ pageSize: 7 }));

      expect(all.map((e) => e.eventId)).toEqual(written);
      expect(all.map((e) => e.position)).toEqual(all.map((e) => e.position).sort());
      expect(await store.countAll()).toBe(written.length);
    }
  });

  it('resumes the global order after a position of the earlier day', async () => {
    const all = await collect(sixteen.readAll());
    const middle = all[streams.length + 5];

    const rest = await collect(sixteen.readAll({ after: middle.position, pageSize: 3 }));

    expect(rest.map((e) => e.eventId)).toEqual(written.slice(streams.length + 6));
  });

  it('keeps every stream whole and in order in one lane across both days', async () => {
    const lanes = await Promise.all(sixteen.readShards({ pageSize: 5 }).map(collect));

    expect(lanes).toHaveLength(TIME_INDEX_LANES);
    expect(
      lanes
        .flat()
        .map((e) => e.eventId)
        .sort(),
    ).toEqual([...written].sort());
    for (const [lane, events] of lanes.entries()) {
      expect(events.every((e) => laneOf(e.streamId) === lane)).toBe(true);
      const versions = new Map<string, number>();
      for (const event of events) {
        expect(event.version).toBe((versions.get(event.streamId) ?? 0) + 1);
        versions.set(event.streamId, event.version);
      }
    }
  });

  it('resumes each lane after its own checkpoint, across the change of count', async () => {
    const full = await Promise.all(sixteen.readShards().map(collect));
    const after = full.map((events) => events[Math.floor(events.length / 3)]?.position);

    const resumed = await Promise.all(
      sixteen.readShards({ after: (lane) => after[lane], pageSize: 2 }).map(collect),
    );

    for (const [lane, events] of full.entries()) {
      const from = after[lane];
      const expected = from === undefined ? events : events.filter((e) => e.position > from);
      expect(resumed[lane].map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
    }
  });

  it('copies only keys into the index: the event bodies stay in the table', async () => {
    const output = await documentClientFor(ledger.client).send(
      new QueryCommand({
        TableName: ledger.tables.events,
        IndexName: TIME_INDEX_NAME,
        KeyConditionExpression: 'tix = :p',
        ExpressionAttributeValues: { ':p': timeIndexPartition(DAY_TWO, shardOf(streams[0], 16)) },
        Limit: 1,
      }),
    );

    expect(Object.keys(output.Items?.[0] ?? {}).sort()).toEqual(['pk', 'sk', 'tix', 'tsk']);
  });

  it('reads a partition page of more keys than one batch read takes, in order', async () => {
    now = new Date('2026-03-03T10:00:00.000Z');
    const streamId = 'acme#payment#long';
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      now = new Date(now.getTime() + 1000);
      const events = Array.from({ length: 50 }, (_, j) => ({ type: 'Step', data: { i, j } }));
      ids.push(...(await sixteen.append(streamId, i * 50, events)).eventIds);
    }
    now = new Date('2026-03-03T23:00:00.000Z');

    const read = await collect(eight.readAll({ from: '2026-03-03T00:00:00.000Z', pageSize: 250 }));

    expect(read.map((e) => e.eventId)).toEqual(ids);
    expect(read.map((e) => e.version)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });
});
