import { TokenBucket } from './token-bucket';

/** A clock that only moves when the bucket sleeps, so the pacing is exact and instant. */
function fakeTime() {
  const clock = { now: 0, slept: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.now += ms;
    },
  };
}

describe('TokenBucket', () => {
  describe('when permits are taken back to back', () => {
    it('hands out the burst at once, then one permit per 1/rate seconds', async () => {
      const time = fakeTime();
      const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2, ...time });

      const takenAt: number[] = [];
      for (let i = 0; i < 5; i++) {
        await bucket.take();
        takenAt.push(time.clock.now);
      }

      expect(takenAt).toEqual([0, 0, 100, 200, 300]);
    });

    it('never exceeds the rate over a long run', async () => {
      const time = fakeTime();
      const bucket = new TokenBucket({ ratePerSecond: 50, ...time });

      for (let i = 0; i < 505; i++) await bucket.take();

      // 505 permits: 5 from the initial burst, then 500 at 50/s.
      expect(time.clock.now).toBeGreaterThanOrEqual(10_000);
      expect(time.clock.now).toBeLessThanOrEqual(10_100);
    });
  });

  describe('when idle for a while', () => {
    it('refills no more than the burst', async () => {
      const time = fakeTime();
      const bucket = new TokenBucket({ ratePerSecond: 100, burst: 3, ...time });
      await bucket.take();

      time.clock.now += 60_000;
      for (let i = 0; i < 4; i++) await bucket.take();

      expect(time.clock.slept).toEqual([10]);
    });
  });

  describe('when the signal aborts', () => {
    it('returns false instead of a permit', async () => {
      const controller = new AbortController();
      const bucket = new TokenBucket({ ratePerSecond: 1 });
      await bucket.take(controller.signal);

      const waiting = bucket.take(controller.signal);
      controller.abort();

      await expect(waiting).resolves.toBe(false);
    });
  });

  describe('when the rate is not positive', () => {
    it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %p', (rate) => {
      expect(() => new TokenBucket({ ratePerSecond: rate })).toThrow(RangeError);
    });
  });
});
