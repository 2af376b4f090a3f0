import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import {
  InMemoryPaymentDocuments,
  InMemoryReadModelGenerations,
} from '@ledger/projections/in-memory';
import { InMemoryReplayJobs } from '@ledger/replay/in-memory';
import type { ReplayJob } from '../jobs/replay-job';
import { replayJobRunner } from './replay-worker';

const NOW = '2026-03-01T12:00:00.000Z';

function republishJob(target: string): ReplayJob {
  return {
    replayId: '01JREPLAY0000000000000000A',
    kind: 'republish',
    scope: { tenantId: 'acme' },
    status: 'running',
    dryRun: false,
    target,
    processed: 0,
    startedAt: NOW,
    updatedAt: NOW,
  };
}

describe('replayJobRunner', () => {
  describe('when a job fails before its runner starts (a rule that does not exist)', () => {
    it('marks the job failed with the error instead of leaving it running', async () => {
      const jobs = new InMemoryReplayJobs();
      const job = republishJob('Nope');
      await jobs.create(job);
      const run = replayJobRunner({
        store: new InMemoryEventStore(),
        jobs,
        generations: new InMemoryReadModelGenerations(),
        documentsOf: (generation) => new InMemoryPaymentDocuments(generation),
        republish: {
          delivery: { deliver: () => Promise.resolve() },
          rules: [
            { name: 'R.Outcomes', eventBusName: 'ledger', pattern: { source: ['x'] }, targets: [] },
          ],
        },
      });

      await expect(run(job)).rejects.toMatchObject({ code: 'rule_not_found' });

      expect(await jobs.get(job.replayId)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('No rule is named "Nope"'),
      });
    });
  });
});
