import { InMemoryReplayJobs } from '@ledger/replay/in-memory';
import type { ReplayJob } from '../jobs/replay-job';
import { ListReplayJobsHandler } from './list-replay-jobs.handler';
import { ListReplayJobs } from './list-replay-jobs.query';

const ACME = { kind: 'tenant', tenantId: 'acme' } as const;
const OPERATOR = { kind: 'operator', operatorId: 'ops' } as const;

const job = (replayId: string, minute: number, changes: Partial<ReplayJob> = {}): ReplayJob => ({
  replayId,
  kind: 'rebuild',
  scope: { tenantId: 'acme' },
  status: 'running',
  dryRun: false,
  processed: 3,
  startedAt: `2026-03-01T12:0${minute}:00.000Z`,
  updatedAt: `2026-03-01T12:0${minute}:01.000Z`,
  ...changes,
});

async function handlerWith(...records: ReplayJob[]): Promise<ListReplayJobsHandler> {
  const jobs = new InMemoryReplayJobs();
  for (const record of records) await jobs.create(record);
  return new ListReplayJobsHandler(jobs);
}

describe('ListReplayJobsHandler', () => {
  const own = job('r-acme', 1);
  const foreign = job('r-globex', 2, { scope: { tenantId: 'globex' } });
  const storeWide = job('r-store', 3, { scope: {}, kind: 'republish', target: 'Receipts' });

  describe('when a tenant lists jobs', () => {
    it("lists its own only: not another tenant's, not a store-wide one", async () => {
      const handler = await handlerWith(own, foreign, storeWide);

      const listed = await handler.execute(new ListReplayJobs(ACME, 10));

      expect(listed.map((j) => j.replayId)).toEqual(['r-acme']);
    });

    it("leaves out a position in another tenant's stream", async () => {
      const position = '2026-03-01T12:00:00.000Z#globex#payment#pay_9#1';
      const handler = await handlerWith(job('r-old', 1, { checkpoint: position }));

      const [listed] = await handler.execute(new ListReplayJobs(ACME, 10));

      expect(listed?.checkpoint).toBeUndefined();
      expect(listed?.processed).toBe(3);
    });
  });

  describe('when an operator lists jobs', () => {
    it('lists every job, newest first, up to the limit', async () => {
      const handler = await handlerWith(own, foreign, storeWide);

      const listed = await handler.execute(new ListReplayJobs(OPERATOR, 2));

      expect(listed).toEqual([storeWide, foreign]);
    });
  });
});
