import { InMemoryReplayJobs } from '@ledger/replay/in-memory';
import type { ReplayJob } from '../jobs/replay-job';
import { StartReplay } from './start-replay.command';
import { StartReplayHandler } from './start-replay.handler';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ACME = { kind: 'tenant', tenantId: 'acme' } as const;
const OPERATOR = { kind: 'operator', operatorId: 'ops' } as const;

/** The in-memory twin, noting the ids of the jobs created, so a test can read them back. */
class NotedJobs extends InMemoryReplayJobs {
  readonly created: string[] = [];
  override async create(job: ReplayJob): Promise<void> {
    await super.create(job);
    this.created.push(job.replayId);
  }
}

function starting(options: { dispatch?: (job: ReplayJob) => Promise<void> } = {}) {
  const jobs = new NotedJobs();
  const ran: ReplayJob[] = [];
  const handler = new StartReplayHandler({
    jobs,
    run: (job) => {
      ran.push(job);
      return Promise.resolve({ ...job, status: 'completed' });
    },
    ...(options.dispatch && { dispatch: options.dispatch }),
    tenantIds: ['acme', 'globex'],
    ruleNames: ['R.Outcomes', 'R.Refunds'],
    clock: () => NOW,
  });
  return { jobs, ran, handler };
}

describe('StartReplayHandler', () => {
  describe('when a tenant asks for a rebuild of its own payments', () => {
    it('records an in-place job scoped to the tenant and runs it in this process', async () => {
      const { jobs, ran, handler } = starting();

      const job = await handler.execute(
        new StartReplay(ACME, { kind: 'rebuild', scope: { paymentId: 'pay_1' } }),
      );
      await handler.idle();

      expect(job).toMatchObject({
        kind: 'rebuild',
        mode: 'in-place',
        scope: { tenantId: 'acme', paymentId: 'pay_1' },
        status: 'running',
        dryRun: false,
        processed: 0,
        startedAt: NOW.toISOString(),
      });
      expect(await jobs.get(job.replayId)).toEqual(job);
      expect(ran.map((j) => j.replayId)).toEqual([job.replayId]);
    });
  });

  describe('when a tenant asks for the store, or for another tenant', () => {
    it('refuses with operator_key_required and records nothing', async () => {
      const { jobs, handler } = starting();

      await expect(
        handler.execute(new StartReplay(ACME, { kind: 'rebuild', storeWide: true })),
      ).rejects.toMatchObject({ code: 'operator_key_required', status: 403 });
      await expect(
        handler.execute(new StartReplay(ACME, { kind: 'rebuild', tenantId: 'globex' })),
      ).rejects.toMatchObject({ code: 'operator_key_required', status: 403 });
      expect(jobs.created).toEqual([]);
    });
  });

  describe('when an operator asks', () => {
    it('covers the named tenant, or the whole store when asked explicitly', async () => {
      const { handler } = starting();

      const tenant = await handler.execute(
        new StartReplay(OPERATOR, { kind: 'rebuild', tenantId: 'globex' }),
      );
      const store = await handler.execute(
        new StartReplay(OPERATOR, { kind: 'rebuild', storeWide: true }),
      );
      await handler.idle();

      expect(tenant.scope).toEqual({ tenantId: 'globex' });
      expect(store.scope).toEqual({});
    });

    it('refuses an unknown tenant, both a tenant and the store, and neither', async () => {
      const { handler } = starting();

      for (const request of [
        { kind: 'rebuild' as const, tenantId: 'initech' },
        { kind: 'rebuild' as const, tenantId: 'acme', storeWide: true },
        { kind: 'rebuild' as const },
      ]) {
        await expect(handler.execute(new StartReplay(OPERATOR, request))).rejects.toMatchObject({
          code: 'validation_failed',
        });
      }
    });
  });

  describe('when a republish names no rule', () => {
    it('refuses with validation_failed', async () => {
      const { handler } = starting();

      await expect(
        handler.execute(new StartReplay(ACME, { kind: 'republish' })),
      ).rejects.toMatchObject({ code: 'validation_failed' });
    });
  });

  describe('when a republish names a rule that does not exist', () => {
    it('refuses with validation_failed listing the known rules, and records nothing', async () => {
      const { jobs, ran, handler } = starting();

      const refused = handler.execute(new StartReplay(ACME, { kind: 'republish', rule: 'Nope' }));

      await expect(refused).rejects.toMatchObject({
        code: 'validation_failed',
        status: 400,
        errors: ['rule must be one of: R.Outcomes, R.Refunds'],
      });
      expect(jobs.created).toEqual([]);
      expect(ran).toEqual([]);
    });
  });

  describe('when the replay worker cannot be started', () => {
    it('marks the job failed and refuses with replay_worker_unavailable', async () => {
      const { jobs, ran, handler } = starting({
        dispatch: () => Promise.reject(new Error('throttled')),
      });

      await expect(
        handler.execute(new StartReplay(ACME, { kind: 'republish', rule: 'R.Outcomes' })),
      ).rejects.toMatchObject({ code: 'replay_worker_unavailable', status: 503 });
      expect(jobs.created).toHaveLength(1);
      expect(await jobs.get(jobs.created[0])).toMatchObject({
        status: 'failed',
        target: 'R.Outcomes',
        error: 'Could not start the replay worker: throttled',
      });
      expect(ran).toHaveLength(0);
    });
  });

  describe('when a bulk reconcile is asked for', () => {
    it("records its selection with the bound its age gives, in the caller's tenant", async () => {
      const { ran, handler } = starting();

      const job = await handler.execute(
        new StartReplay(ACME, {
          kind: 'reconcile',
          reconcile: { statuses: ['outcome_unknown'], olderThanSeconds: 600, concurrency: 3 },
          ratePerSecond: 10,
        }),
      );
      await handler.idle();

      expect(job).toMatchObject({
        kind: 'reconcile',
        scope: { tenantId: 'acme' },
        ratePerSecond: 10,
        reconcile: {
          statuses: ['outcome_unknown'],
          olderThanSeconds: 600,
          concurrency: 3,
          updatedBefore: '2026-03-01T11:50:00.000Z',
        },
      });
      expect(ran.map((j) => j.replayId)).toEqual([job.replayId]);
    });

    it('refuses one that says nothing of what it selects', async () => {
      const { jobs, handler } = starting();

      await expect(
        handler.execute(new StartReplay(ACME, { kind: 'reconcile' })),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      expect(jobs.created).toEqual([]);
    });
  });
});
