import {
  DEFAULT_TIME_INDEX_SHARDS,
  TIME_INDEX_LANES,
  checkTimeIndexShards,
  daysBetween,
  laneOf,
  monotonicRecordedAt,
  parsePosition,
  positionOf,
  shardOf,
  shardsOfLane,
} from './time-index';
import { mergeSorted } from './merge';

describe('time index', () => {
  describe('when positions are built', () => {
    it('sorts them by time, then stream, then version, and parses them back', () => {
      const a = positionOf('2026-01-01T00:00:00.000Z', 'acme#payment#1', 9);
      const b = positionOf('2026-01-01T00:00:00.000Z', 'acme#payment#1', 10);
      const c = positionOf('2026-01-01T00:00:00.001Z', 'acme#payment#0', 1);

      expect([c, b, a].sort()).toEqual([a, b, c]);
      expect(parsePosition(b)).toEqual({
        recordedAt: '2026-01-01T00:00:00.000Z',
        streamId: 'acme#payment#1',
        version: 10,
      });
    });

    it('rejects a string that is not a position', () => {
      expect(() => parsePosition('not-a-position')).toThrow(RangeError);
    });
  });

  describe('when a stream id is sharded', () => {
    it('always lands on the same shard within range, and spreads streams', () => {
      const shards = Array.from({ length: 400 }, (_, i) => shardOf(`acme#payment#${i}`));

      expect(shardOf('acme#payment#7')).toBe(shardOf('acme#payment#7'));
      expect(shards.every((s) => s >= 0 && s < DEFAULT_TIME_INDEX_SHARDS)).toBe(true);
      expect(new Set(shards).size).toBe(DEFAULT_TIME_INDEX_SHARDS);
    });

    it("keeps a stream in one lane whatever the day's shard count", () => {
      const ids = Array.from({ length: 200 }, (_, i) => `acme#payment#${i}`);

      for (const count of [8, 16, 24, 64]) {
        for (const id of ids) {
          expect(shardsOfLane(laneOf(id), count)).toContain(shardOf(id, count));
        }
      }
    });

    it('gives every shard of a day to exactly one lane', () => {
      const lanes = Array.from({ length: TIME_INDEX_LANES }, (_, lane) => shardsOfLane(lane, 24));

      expect(lanes.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    });

    it('accepts only multiples of the lanes as shard counts', () => {
      expect(checkTimeIndexShards(16)).toBe(16);
      expect(() => checkTimeIndexShards(12)).toThrow(RangeError);
      expect(() => checkTimeIndexShards(0)).toThrow(RangeError);
      expect(() => checkTimeIndexShards(2048)).toThrow(RangeError);
    });
  });

  describe('when the clock goes backwards', () => {
    it('never records an event earlier than the previous one of its stream', () => {
      const previous = '2026-01-01T00:00:05.000Z';

      expect(monotonicRecordedAt(new Date('2026-01-01T00:00:01.000Z'), previous)).toBe(previous);
      expect(monotonicRecordedAt(new Date('2026-01-01T00:00:09.000Z'), previous)).toBe(
        '2026-01-01T00:00:09.000Z',
      );
    });
  });

  describe('when days are listed', () => {
    it('includes both ends and crosses month ends', () => {
      expect(daysBetween('2026-01-30T10:00:00.000Z', '2026-02-01T00:00:00.000Z')).toEqual([
        '2026-01-30',
        '2026-01-31',
        '2026-02-01',
      ]);
    });
  });

  describe('when sorted sources are merged', () => {
    it('yields one ascending sequence', async () => {
      async function* from(values: string[]): AsyncGenerator<string> {
        yield* values;
      }

      const merged: string[] = [];
      for await (const v of mergeSorted(
        [from(['a', 'd', 'e']), from([]), from(['b', 'c', 'f'])],
        (x) => x,
      )) {
        merged.push(v);
      }

      expect(merged).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    });
  });
});
