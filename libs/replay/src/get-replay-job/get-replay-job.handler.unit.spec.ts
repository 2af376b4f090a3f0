import type { ReplayJob } from '../jobs/replay-job';
import { GetReplayJobHandler } from './get-replay-job.handler';
import { GetReplayJob } from './get-replay-job.query';

const ACME = { kind: 'tenant', tenantId: 'acme' } as const;
const OPERATOR = { kind: 'operator', operatorId: 'ops' } as const;

const job = (replayId: string, changes: Partial<ReplayJob>): ReplayJob => ({
  replayId,
  kind: 'rebuild',
  scope: { tenantId: 'acme' },
  status: 'running',
  dryRun: false,
  processed: 3,
  startedAt: '2026-03-01T12:00:00.000Z',
  updatedAt: '2026-03-01T12:00:01.000Z',
  ...changes,
});

/** Job records by id (reads only). */
function jobsOf(...records: ReplayJob[]) {
  const byId = new Map(records.map((record) => [record.replayId, record]));
  return { get: (replayId: string) => Promise.resolve(byId.get(replayId)) };
}

describe('GetReplayJobHandler', () => {
  describe("when a tenant asks for another tenant's or a store-wide replay", () => {
    it('answers replay_not_found', async () => {
      const handler = new GetReplayJobHandler(
        jobsOf(job('r-globex', { scope: { tenantId: 'globex' } }), job('r-store', { scope: {} })),
      );

      for (const replayId of ['r-globex', 'r-store', 'r-none']) {
        await expect(handler.execute(new GetReplayJob(ACME, replayId))).rejects.toMatchObject({
          code: 'replay_not_found',
          status: 404,
        });
      }
    });
  });

  describe("when a tenant's old job record holds another tenant's position", () => {
    it('leaves that position out, and keeps its own', async () => {
      const own = '2026-03-01T12:00:00.000Z#acme#payment#pay_1#2';
      const foreign = '2026-03-01T12:00:00.000Z#globex#payment#pay_9#1';
      const handler = new GetReplayJobHandler(
        jobsOf(job('r1', { checkpoint: foreign, shardCheckpoints: { '0': own, '1': foreign } })),
      );

      const seen = await handler.execute(new GetReplayJob(ACME, 'r1'));

      expect(seen.checkpoint).toBeUndefined();
      expect(seen.shardCheckpoints).toEqual({ '0': own });
      expect(seen.processed).toBe(3);
    });
  });

  describe('when an operator asks', () => {
    it('answers any replay as recorded', async () => {
      const foreign = '2026-03-01T12:00:00.000Z#globex#payment#pay_9#1';
      const record = job('r-store', { scope: {}, checkpoint: foreign });
      const handler = new GetReplayJobHandler(jobsOf(record));

      await expect(handler.execute(new GetReplayJob(OPERATOR, 'r-store'))).resolves.toEqual(record);
    });
  });

  describe('when a reconcile job is asked for by kind', () => {
    it("finds it, and answers reconciliation_not_found for a replay or another tenant's", async () => {
      const handler = new GetReplayJobHandler(
        jobsOf(
          job('r-reconcile', { kind: 'reconcile' }),
          job('r-rebuild', {}),
          job('r-globex', { kind: 'reconcile', scope: { tenantId: 'globex' } }),
        ),
      );

      const found = await handler.execute(new GetReplayJob(ACME, 'r-reconcile', 'reconcile'));

      expect(found.kind).toBe('reconcile');
      for (const replayId of ['r-rebuild', 'r-globex', 'r-none']) {
        await expect(
          handler.execute(new GetReplayJob(ACME, replayId, 'reconcile')),
        ).rejects.toMatchObject({ code: 'reconciliation_not_found', status: 404 });
      }
    });
  });
});
