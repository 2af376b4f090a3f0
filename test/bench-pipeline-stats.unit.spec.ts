import {
  highestPassing,
  keepUpFailures,
  lagStats,
  nextSearchFraction,
  opsPerDelivery,
  sumTotals,
  type StepOutcome,
} from '../bench/src/pipeline-stats';

const FRACTIONS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.85, 1.0];

describe('the pipeline bench arithmetic', () => {
  describe('lagStats', () => {
    it('takes nearest-rank percentiles and leaves out lags never observed', () => {
      const lags = [...Array.from({ length: 100 }, (_, i) => i + 1), Number.NaN];

      const stats = lagStats(lags);

      expect(stats).toEqual({ count: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
    });

    it('reports NaN when nothing was observed', () => {
      expect(Number.isNaN(lagStats([Number.NaN]).p99Ms)).toBe(true);
    });
  });

  describe('nextSearchFraction', () => {
    it('starts at the start step', () => {
      expect(nextSearchFraction(FRACTIONS, 0.7, new Map())).toBe(0.7);
    });

    it('climbs one step while steps pass', () => {
      const tried = new Map([
        [0.7, true],
        [0.85, true],
      ]);

      expect(nextSearchFraction(FRACTIONS, 0.7, tried)).toBe(1.0);
    });

    it('descends one step while steps fail', () => {
      const tried = new Map([
        [0.7, false],
        [0.6, false],
      ]);

      expect(nextSearchFraction(FRACTIONS, 0.7, tried)).toBe(0.5);
    });

    it('stops once a pass sits below a failure', () => {
      const tried = new Map([
        [0.7, false],
        [0.6, true],
      ]);

      expect(nextSearchFraction(FRACTIONS, 0.7, tried)).toBeUndefined();
      expect(highestPassing(tried)).toBe(0.6);
    });

    it('stops at either end', () => {
      const allPass = new Map([0.7, 0.85, 1.0].map((f) => [f, true] as const));
      const allFail = new Map([0.7, 0.6, 0.5, 0.4, 0.3, 0.2].map((f) => [f, false] as const));

      expect(nextSearchFraction(FRACTIONS, 0.7, allPass)).toBeUndefined();
      expect(nextSearchFraction(FRACTIONS, 0.7, allFail)).toBeUndefined();
      expect(highestPassing(allFail)).toBeUndefined();
    });

    it('descends at once to the highest step the slowest consumer showed it can carry', () => {
      const fine = [0.05, 0.1, 0.15, ...FRACTIONS];

      expect(nextSearchFraction(fine, 0.7, new Map([[0.7, false]]), 0.12)).toBe(0.1);
      expect(nextSearchFraction(fine, 0.7, new Map([[0.7, false]]), 0.01)).toBe(0.05);
      expect(nextSearchFraction(fine, 0.7, new Map([[0.7, false]]), 0.9)).toBe(0.6);
      expect(nextSearchFraction(fine, 0.7, new Map([[0.7, false]]), Number.NaN)).toBe(0.6);
    });

    it('climbs back one step at a time after a descent that jumped', () => {
      const fine = [0.05, 0.1, 0.15, ...FRACTIONS];
      const tried = new Map([
        [0.7, false],
        [0.1, true],
      ]);

      expect(nextSearchFraction(fine, 0.7, tried, 0.5)).toBe(0.15);
      tried.set(0.15, true);
      expect(nextSearchFraction(fine, 0.7, tried)).toBe(0.2);
      tried.set(0.2, false);
      expect(nextSearchFraction(fine, 0.7, tried)).toBeUndefined();
      expect(highestPassing(tried)).toBe(0.15);
    });

    it('refuses a start that is not a step', () => {
      expect(() => nextSearchFraction(FRACTIONS, 0.65, new Map())).toThrow(RangeError);
    });
  });

  describe('keepUpFailures', () => {
    const lag = (p99Ms: number) => ({ count: 10, p50Ms: p99Ms / 2, p99Ms, maxMs: p99Ms });
    const step: StepOutcome = {
      offeredPerSec: 100,
      intakePerSec: 99,
      failed: 0,
      projected: lag(900),
      published: lag(1_500),
      caughtUpMs: 1_200,
      unobserved: 0,
    };

    it('finds nothing wrong with a step that kept up', () => {
      expect(keepUpFailures(step)).toEqual([]);
    });

    it('names each limit a step broke', () => {
      const reasons = keepUpFailures({
        ...step,
        intakePerSec: 80,
        published: lag(2_000),
        caughtUpMs: Number.NaN,
      });

      expect(reasons).toHaveLength(3);
      expect(reasons.join(' ')).toMatch(/intake 80\/s.*published 2000 ms.*never caught up/);
    });
  });

  describe('opsPerDelivery', () => {
    it('divides what two snapshots of the processes differ by among the deliveries', () => {
      const before = sumTotals([
        { requests: { 'PutItem bench-events': 4 }, items: {}, writeUnits: { 'bench-events': 8 } },
      ]);
      const after = sumTotals([
        {
          requests: { 'PutItem bench-events': 24, 'GetItem bench-read-models': 10 },
          items: {},
          writeUnits: { 'bench-events': 38, 'bench-events/time-index': 10 },
        },
        {
          requests: { 'PutItem bench-meta': 2, 'Query bench-events': 10 },
          items: { 'BatchWriteItem bench-meta': 0 },
          writeUnits: { 'bench-meta': 2 },
        },
      ]);

      const cost = opsPerDelivery(before, after, 10, 'bench-');

      expect(cost.requests).toEqual({
        'PutItem events': 2,
        'GetItem read-models': 1,
        'PutItem meta': 0.2,
        'Query events': 1,
      });
      expect(cost.writeRequests).toBeCloseTo(2.2);
      expect(cost.readRequests).toBe(2);
      expect(cost.writeUnits).toEqual({ events: 3, 'events/time-index': 1, meta: 0.2 });
      expect(cost.totalWriteUnits).toBeCloseTo(4.2);
    });

    it('refuses to divide by no deliveries', () => {
      const empty = sumTotals([]);

      expect(() => opsPerDelivery(empty, empty, 0, 'bench-')).toThrow(RangeError);
    });
  });
});
