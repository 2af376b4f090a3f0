import {
  PaymentSweeper,
  type Reconciler,
  type SweepCandidate,
  type SweepCandidates,
} from './payment-sweeper';

const NOW = new Date('2026-03-01T12:00:00.000Z');

/** An index of `count` old candidates, served `limit` at a time like the read model's. */
function candidates(count: number): SweepCandidates & { befores: string[] } {
  const all: SweepCandidate[] = Array.from({ length: count }, (_, i) => ({
    tenantId: 'acme',
    paymentId: `pay_${i}`,
    status: 'requested',
    updatedAt: '2026-03-01T11:00:00.000Z',
  }));
  const befores: string[] = [];
  return {
    befores,
    unsettledBefore(before, page) {
      befores.push(before);
      const start = page.cursor === undefined ? 0 : Number(page.cursor);
      const items = all.slice(start, start + page.limit);
      const next = start + items.length;
      return Promise.resolve({
        items,
        ...(next < all.length && { nextCursor: String(next) }),
      });
    },
  };
}

function reconciler(statusOf: (paymentId: string) => string): Reconciler & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    execute({ tenantId, paymentId, actor }) {
      calls.push(`${tenantId}/${paymentId}/${actor}`);
      const status = statusOf(paymentId);
      if (status === 'boom') return Promise.reject(new Error('gateway unreachable'));
      return Promise.resolve({ body: { paymentId, status } });
    },
  };
}

describe('PaymentSweeper', () => {
  describe('when more candidates wait than one sweep may take', () => {
    it('reconciles at most maxPerSweep of them, as the sweeper, page by page', async () => {
      const source = candidates(30);
      const settle = reconciler(() => 'succeeded');
      const sweeper = new PaymentSweeper(
        source,
        settle,
        { olderThanMs: 300_000, maxPerSweep: 12, pageSize: 5 },
        () => NOW,
      );

      const result = await sweeper.sweep();

      expect(result).toEqual({ examined: 12, settled: 12, unsettled: 0, failed: 0 });
      expect(settle.calls).toHaveLength(12);
      expect(settle.calls[0]).toBe('acme/pay_0/sweeper');
      expect(new Set(source.befores)).toEqual(new Set(['2026-03-01T11:55:00.000Z']));
    });
  });

  describe('when one payment cannot be settled', () => {
    it('reports it and goes on with the others', async () => {
      const errors: string[] = [];
      const sweeper = new PaymentSweeper(
        candidates(3),
        reconciler((id) =>
          id === 'pay_1' ? 'boom' : id === 'pay_2' ? 'outcome_unknown' : 'failed',
        ),
        { olderThanMs: 60_000, maxPerSweep: 10 },
        () => NOW,
        (_error, candidate) => errors.push(candidate.paymentId),
      );

      const result = await sweeper.sweep();

      expect(result).toEqual({ examined: 3, settled: 1, unsettled: 1, failed: 1 });
      expect(errors).toEqual(['pay_1']);
    });
  });

  describe('when its time budget runs out', () => {
    it('starts no more payments and reports what it did', async () => {
      let now = NOW.getTime();
      const settle = reconciler(() => {
        now += 4_000;
        return 'succeeded';
      });
      const sweeper = new PaymentSweeper(
        candidates(10),
        settle,
        { olderThanMs: 300_000, maxPerSweep: 10 },
        () => new Date(now),
      );

      const result = await sweeper.sweep(10_000);

      expect(result.examined).toBe(3);
      expect(settle.calls).toHaveLength(3);
    });
  });

  describe('when configured younger than the request lock', () => {
    it('refuses: a live run may still be sending', () => {
      expect(
        () =>
          new PaymentSweeper(
            candidates(0),
            reconciler(() => 'x'),
            {
              olderThanMs: 10_000,
              maxPerSweep: 10,
            },
          ),
      ).toThrow(/at least 30000/);
    });
  });
});
