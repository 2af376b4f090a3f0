import {
  WAITING_STATUSES,
  addCounts,
  batchSizes,
  perSecond,
  requestToConclusion,
  tally,
} from '../bench/src/payments-async-stats';

describe('the payments-async bench arithmetic', () => {
  describe('perSecond', () => {
    it('divides the count by the elapsed seconds', () => {
      expect(perSecond(500, 2_000)).toBe(250);
    });

    it('is NaN when no time passed', () => {
      expect(Number.isNaN(perSecond(10, 0))).toBe(true);
    });
  });

  describe('batchSizes', () => {
    it('fills batches to the size and leaves the rest to a short last one', () => {
      expect(batchSizes(250, 100)).toEqual([100, 100, 50]);
    });

    it('gives one batch when the total fits', () => {
      expect(batchSizes(60, 100)).toEqual([60]);
    });

    it('refuses a size below one', () => {
      expect(() => batchSizes(10, 0)).toThrow(RangeError);
    });
  });

  describe('tally and addCounts', () => {
    it('counts each value and adds tallies up', () => {
      const first = tally(['succeeded', 'failed', 'succeeded']);

      const sum = addCounts([first, { succeeded: 1, outcome_unknown: 1 }]);

      expect(first).toEqual({ succeeded: 2, failed: 1 });
      expect(sum).toEqual({ succeeded: 3, failed: 1, outcome_unknown: 1 });
    });
  });

  describe('requestToConclusion', () => {
    it("takes percentiles of each concluded payment's time from its request", () => {
      const requested = new Map(Array.from({ length: 100 }, (_, i) => [`p${i}`, 1_000]));
      const concluded = new Map(Array.from({ length: 100 }, (_, i) => [`p${i}`, 1_000 + i + 1]));

      const stats = requestToConclusion(requested, concluded);

      expect(stats).toEqual({ count: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
    });

    it('leaves out a conclusion whose request is unknown', () => {
      const stats = requestToConclusion(
        new Map([['a', 0]]),
        new Map([
          ['a', 40],
          ['b', 9_000],
        ]),
      );

      expect(stats.count).toBe(1);
      expect(stats.maxMs).toBe(40);
    });
  });

  describe('WAITING_STATUSES', () => {
    it('holds the statuses a payment waits in, and no conclusion', () => {
      expect([...WAITING_STATUSES].sort()).toEqual(['processing', 'requested']);
      expect(WAITING_STATUSES.has('succeeded')).toBe(false);
      expect(WAITING_STATUSES.has('outcome_unknown')).toBe(false);
    });
  });
});
