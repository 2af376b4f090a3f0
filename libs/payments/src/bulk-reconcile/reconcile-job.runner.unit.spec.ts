import { InMemoryReplayJobs } from '@ledger/replay/in-memory';
import type { ReplayJob } from '@ledger/replay';
import {
  BulkReconciler,
  type ReconcileCandidate,
  type ReconcileCandidates,
  type Reconciler,
} from './bulk-reconcile';
import { runReconcileJob, type ReconcileJobResult } from './reconcile-job.runner';

const NOW = new Date('2026-03-01T12:00:00.000Z');

/** `count` unknown payments in the index, served `limit` at a time; a settled one leaves it. */
function index(count: number): ReconcileCandidates & { settled: Set<string> } {
  const all: ReconcileCandidate[] = Array.from({ length: count }, (_, i) => ({
    tenantId: 'acme',
    paymentId: `pay_${String(i).padStart(3, '0')}`,
    status: 'outcome_unknown',
    updatedAt: '2026-03-01T11:00:00.000Z',
  }));
  const settled = new Set<string>();
  return {
    settled,
    unsettledBefore(_before, page) {
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

/** The gateway settles every payment it is asked about; one already settled is skipped. */
function reconciler(
  settled: Set<string>,
  onAsk: () => void = () => {},
): Reconciler & {
  asked: string[];
} {
  const asked: string[] = [];
  return {
    asked,
    execute({ paymentId }) {
      if (settled.has(paymentId)) {
        return Promise.resolve({ body: { paymentId, status: 'succeeded', skipped: true } });
      }
      asked.push(paymentId);
      settled.add(paymentId);
      onAsk();
      return Promise.resolve({ body: { paymentId, status: 'succeeded' } });
    },
  };
}

function newJob(): ReplayJob {
  return {
    replayId: '01JRECONCILEJOB00000000000',
    kind: 'reconcile',
    scope: { tenantId: 'acme' },
    status: 'running',
    dryRun: false,
    reconcile: {
      statuses: ['outcome_unknown'],
      olderThanSeconds: 0,
      updatedBefore: NOW.toISOString(),
      concurrency: 2,
    },
    processed: 0,
    startedAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

describe('runReconcileJob', () => {
  describe('when a run is interrupted and the job resumed', () => {
    it('counts the selection once, saves the cursor per page, and the resume asks only what is left', async () => {
      const jobs = new InMemoryReplayJobs();
      const candidates = index(23);
      const stop = new AbortController();
      const first = reconciler(candidates.settled, () => {
        if (first.asked.length === 12) stop.abort();
      });
      const job = newJob();
      await jobs.create(job);
      const deps = (settle: Reconciler) => ({
        jobs,
        reconcilerFor: () =>
          new BulkReconciler(candidates, settle, { concurrency: 2, pageSize: 5 }),
        clock: () => NOW,
      });

      const interrupted = await runReconcileJob(deps(first), job, stop.signal);
      const stored = await jobs.get(job.replayId);
      const second = reconciler(candidates.settled);
      const resumed = await runReconcileJob(deps(second), stored as ReplayJob);

      expect(interrupted).toMatchObject({ status: 'interrupted', total: 23, checkpoint: '10' });
      expect(stored).toMatchObject({ status: 'interrupted', total: 23, checkpoint: '10' });
      // Asked once each, over both runs: the resume starts at the page the first run stopped in.
      expect([...first.asked, ...second.asked].sort()).toEqual(
        Array.from({ length: 23 }, (_, i) => `pay_${String(i).padStart(3, '0')}`),
      );
      expect(second.asked).not.toContain('pay_000');
      expect(resumed).toMatchObject({
        status: 'completed',
        total: 23,
        finishedAt: NOW.toISOString(),
      });
      expect(resumed.checkpoint).toBeUndefined();
      const result = (await jobs.get(job.replayId))?.result as unknown as ReconcileJobResult;
      expect(result.summary.settled).toEqual({ succeeded: 23 });
      expect(result.summary.skipped).toBe(resumed.processed - 23);
      expect(result.items).toHaveLength(resumed.processed);
    });
  });
});
