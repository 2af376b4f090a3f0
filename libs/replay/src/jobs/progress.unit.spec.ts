import type { ReplayJob } from './replay-job';
import { formatProgress } from './progress';

const job = (processed: number, total?: number): ReplayJob => ({
  replayId: 'r1',
  kind: 'rebuild',
  scope: {},
  status: 'running',
  dryRun: false,
  processed,
  total,
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:10.000Z',
});

describe('formatProgress', () => {
  describe('when the total is known', () => {
    it('shows the share, the rate and the time left', () => {
      expect(formatProgress(job(500, 2000), new Date('2026-01-01T00:00:10.000Z'))).toBe(
        '500/2000 events, 50/s ETA 30s',
      );
    });
  });

  describe('when a resumed run counts from its own start', () => {
    it('leaves what earlier runs did out of the rate', () => {
      const baseline = { at: new Date('2026-01-01T00:00:05.000Z'), processed: 400 };

      expect(formatProgress(job(500, 2000), new Date('2026-01-01T00:00:10.000Z'), baseline)).toBe(
        '500/2000 events, 20/s ETA 1m15s',
      );
    });
  });

  describe('when the time left is over an hour', () => {
    it('shows it in hours and minutes', () => {
      expect(formatProgress(job(10, 100_000), new Date('2026-01-01T00:00:10.000Z'))).toBe(
        '10/100000 events, 1/s ETA 27h46m',
      );
    });
  });

  describe('when the total is not known', () => {
    it('shows the count and the rate only', () => {
      expect(formatProgress(job(100), new Date('2026-01-01T00:00:10.000Z'))).toBe(
        '100 events, 10/s',
      );
    });
  });
});
