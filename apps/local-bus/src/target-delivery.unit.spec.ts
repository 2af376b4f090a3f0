import type { BusEnvelope } from '@ledger/bus';
import type { BusTarget } from './local-bus.types';
import { targetDelivery, type TargetRetryPolicy } from './target-delivery';

const event: BusEnvelope = {
  version: '0',
  id: 'evt-1',
  'detail-type': 'payment.succeeded',
  source: 'integration-ledger',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventId: 'evt-1' },
};

/** A target that fails its first `failures` attempts (all when undefined), noting when each came. */
function flakyTarget(failures?: number): BusTarget & { attemptsAt: number[] } {
  const attemptsAt: number[] = [];
  return {
    name: 'Subscriber',
    attemptsAt,
    handle: async () => {
      attemptsAt.push(Date.now());
      if (failures === undefined || attemptsAt.length <= failures) {
        throw new Error('the subscriber is down');
      }
    },
  };
}

function setUp(policy: Partial<TargetRetryPolicy> = {}) {
  const stopping = new AbortController();
  const counts = { delivered: 0, failed: 0 };
  const logged: string[] = [];
  const deliver = targetDelivery({
    attempts: 185,
    maxEventAgeMs: 24 * 3600_000,
    retryDelay: { initialMs: 100, maxMs: 5_000 },
    ...policy,
    stopping: stopping.signal,
    onDelivered: () => (counts.delivered += 1),
    onFailedAttempt: () => (counts.failed += 1),
    log: (message) => logged.push(message),
  });
  return { deliver, stop: () => stopping.abort(), counts, logged };
}

const gaps = (times: number[]): number[] => times.slice(1).map((time, i) => time - times[i]);

describe('a delivery to a rule target', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  describe('when the target fails a few times', () => {
    it('retries after 100 ms, doubling each time, and delivers', async () => {
      const { deliver, counts, logged } = setUp();
      const target = flakyTarget(5);

      const end = deliver(target, event, Date.now());
      await jest.advanceTimersByTimeAsync(60_000);

      await expect(end).resolves.toBe('delivered');
      expect(gaps(target.attemptsAt)).toEqual([100, 200, 400, 800, 1_600]);
      expect(counts).toEqual({ delivered: 1, failed: 5 });
      expect(logged).toEqual(Array(5).fill('target failed; retrying'));
    });
  });

  describe('when the target keeps failing', () => {
    it('caps the wait at 5 s and gives up after the policy attempts', async () => {
      const { deliver, counts, logged } = setUp({ attempts: 10 });
      const target = flakyTarget();

      const end = deliver(target, event, Date.now());
      await jest.advanceTimersByTimeAsync(120_000);

      await expect(end).resolves.toBe('dropped');
      expect(gaps(target.attemptsAt)).toEqual([
        100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000,
      ]);
      expect(counts).toEqual({ delivered: 0, failed: 10 });
      expect(logged.at(-1)).toBe('event dropped after repeated target failures');
    });

    it('makes no attempt past the maximum event age, counted from when the bus accepted it', async () => {
      const { deliver } = setUp({ maxEventAgeMs: 10_000 });
      const target = flakyTarget();

      const end = deliver(target, event, Date.now() - 2_000);
      await jest.advanceTimersByTimeAsync(60_000);

      await expect(end).resolves.toBe('dropped');
      // 2 s old at the first attempt; then 100+200+400+800+1,600+3,200 ms: 8.3 s. The next wait
      // (5 s) would end past 10 s, so there is no eighth attempt.
      expect(target.attemptsAt).toHaveLength(7);
    });
  });

  describe('when the bus stops while a retry waits', () => {
    it('ends at once as stopped and never reaches the target again', async () => {
      const { deliver, stop } = setUp({ retryDelay: { initialMs: 60_000, maxMs: 60_000 } });
      const target = flakyTarget();
      const end = deliver(target, event, Date.now());
      await jest.advanceTimersByTimeAsync(0);
      expect(target.attemptsAt).toHaveLength(1);

      stop();

      await expect(end).resolves.toBe('stopped');
      await jest.advanceTimersByTimeAsync(120_000);
      expect(target.attemptsAt).toHaveLength(1);
    });
  });

  describe('when the target answers at once', () => {
    it('delivers on the first attempt', async () => {
      const { deliver, counts } = setUp();
      const target = flakyTarget(0);

      await expect(deliver(target, event, Date.now())).resolves.toBe('delivered');
      expect(target.attemptsAt).toHaveLength(1);
      expect(counts).toEqual({ delivered: 1, failed: 0 });
    });
  });
});
