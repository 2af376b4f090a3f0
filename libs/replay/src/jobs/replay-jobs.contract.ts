import type { ReplayJob, ReplayJobLeases, ReplayJobs } from './replay-job';

/** What a contract suite runs against: a fresh, empty adapter per test, and how to let it go. */
export interface ReplayJobsUnderTest {
  jobs: ReplayJobs & ReplayJobLeases;
  close?: () => Promise<void>;
}

let sequence = 0;
const job = (changes: Partial<ReplayJob> = {}): ReplayJob => ({
  replayId: `r-${Date.now()}-${++sequence}`,
  kind: 'rebuild',
  scope: { tenantId: 'acme' },
  status: 'running',
  dryRun: false,
  mode: 'in-place',
  processed: 0,
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...changes,
});

const at = (iso: string): Date => new Date(iso);

/**
 * The behaviour every `ReplayJobs & ReplayJobLeases` adapter owes its callers (the rebuild and
 * republish runners, the replay worker, the admin API), run against each adapter.
 */
export function describeReplayJobsContract(
  name: string,
  create: () => Promise<ReplayJobsUnderTest>,
): void {
  describe(`${name} (replay jobs contract)`, () => {
    let adapter: ReplayJobsUnderTest;
    let jobs: ReplayJobs & ReplayJobLeases;

    beforeEach(async () => {
      adapter = await create();
      jobs = adapter.jobs;
    });

    afterEach(async () => {
      await adapter.close?.();
    });

    describe('when a job is created', () => {
      it('reads back as it was written', async () => {
        const created = job({ total: 40, shardCheckpoints: { '0': 'p-1' } });

        await jobs.create(created);

        expect(await jobs.get(created.replayId)).toEqual(created);
      });

      it('refuses a second job with the same id and keeps the first', async () => {
        const first = job();
        await jobs.create(first);

        await expect(jobs.create({ ...first, status: 'failed' })).rejects.toThrow();
        expect(await jobs.get(first.replayId)).toEqual(first);
      });
    });

    describe('when a job does not exist', () => {
      it('reads as undefined', async () => {
        expect(await jobs.get('never-created')).toBeUndefined();
      });

      it('refuses an update instead of creating it', async () => {
        await expect(jobs.update('never-created', { processed: 1 })).rejects.toThrow();
        expect(await jobs.get('never-created')).toBeUndefined();
      });

      it('cannot be claimed', async () => {
        const now = at('2026-01-01T00:00:00.000Z');

        expect(await jobs.claim('never-created', 'w1', at('2026-01-01T00:15:00.000Z'), now)).toBe(
          false,
        );
      });
    });

    describe('when a job is updated', () => {
      it('sets the given fields, keeps the others and drops the removed ones', async () => {
        const created = job({ error: 'the store was unreachable', status: 'failed' });
        await jobs.create(created);

        await jobs.update(
          created.replayId,
          { status: 'running', processed: 200, checkpoint: 'p-200', result: { nested: { a: 1 } } },
          ['error'],
        );

        const { error: _dropped, ...kept } = created;
        expect(await jobs.get(created.replayId)).toEqual({
          ...kept,
          status: 'running',
          processed: 200,
          checkpoint: 'p-200',
          result: { nested: { a: 1 } },
        });
      });

      it('ignores fields given as undefined', async () => {
        const created = job({ total: 40 });
        await jobs.create(created);

        await jobs.update(created.replayId, { total: undefined, processed: 5 });

        expect(await jobs.get(created.replayId)).toEqual({ ...created, processed: 5 });
      });
    });

    describe('when recent jobs are listed', () => {
      // Jobs of a tenant no other test names, started in a year no other test uses, so the
      // lists hold only this test's jobs however many jobs the store already has.
      let tenant: string;
      let other: string;
      beforeEach(() => {
        tenant = `t-${Date.now()}-${++sequence}`;
        other = `${tenant}-other`;
      });
      const startedAt = (minute: number): string =>
        `2999-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

      it("lists a tenant's own jobs only, newest first, up to the limit", async () => {
        const oldest = job({ scope: { tenantId: tenant }, startedAt: startedAt(1) });
        const newest = job({ scope: { tenantId: tenant }, startedAt: startedAt(3) });
        const middle = job({ scope: { tenantId: tenant }, startedAt: startedAt(2) });
        const another = job({ scope: { tenantId: other }, startedAt: startedAt(4) });
        const storeWide = job({ scope: {}, startedAt: startedAt(5) });
        for (const created of [oldest, newest, middle, another, storeWide]) {
          await jobs.create(created);
        }

        const all = await jobs.recent({ tenantId: tenant, limit: 10 });
        const two = await jobs.recent({ tenantId: tenant, limit: 2 });

        expect(all).toEqual([newest, middle, oldest]);
        expect(two).toEqual([newest, middle]);
      });

      it("lists every tenant's jobs and the store-wide ones without a tenant", async () => {
        const own = job({ scope: { tenantId: tenant }, startedAt: startedAt(50) });
        const another = job({ scope: { tenantId: other }, startedAt: startedAt(51) });
        const storeWide = job({ scope: {}, kind: 'republish', startedAt: startedAt(52) });
        for (const created of [own, another, storeWide]) await jobs.create(created);

        const listed = await jobs.recent({ limit: 3 });

        expect(listed).toEqual([storeWide, another, own]);
      });

      it('shows each job as it stands now, without the lease', async () => {
        const created = job({ scope: { tenantId: tenant }, startedAt: startedAt(6) });
        await jobs.create(created);
        await jobs.claim(created.replayId, 'w1', at('2999-01-01T01:00:00.000Z'), at(startedAt(6)));

        await jobs.update(created.replayId, { processed: 30, total: 40, status: 'completed' });

        expect(await jobs.recent({ tenantId: tenant, limit: 5 })).toEqual([
          { ...created, processed: 30, total: 40, status: 'completed' },
        ]);
      });

      it('lists nothing for a tenant without jobs', async () => {
        expect(await jobs.recent({ tenantId: `${tenant}-none`, limit: 5 })).toEqual([]);
      });

      it('keeps a refused duplicate out of the list', async () => {
        const first = job({ scope: { tenantId: tenant }, startedAt: startedAt(7) });
        await jobs.create(first);

        await expect(
          jobs.create({ ...first, startedAt: startedAt(8), status: 'failed' }),
        ).rejects.toThrow();

        expect(await jobs.recent({ tenantId: tenant, limit: 5 })).toEqual([first]);
      });
    });

    describe('when workers claim a job', () => {
      const now = at('2026-01-01T00:00:00.000Z');
      const until = at('2026-01-01T00:15:00.000Z');

      it('gives it to the first and refuses another while the lease lasts', async () => {
        const created = job();
        await jobs.create(created);

        expect(await jobs.claim(created.replayId, 'w1', until, now)).toBe(true);
        expect(await jobs.claim(created.replayId, 'w2', until, now)).toBe(false);
      });

      it('lets the holder claim it again', async () => {
        const created = job();
        await jobs.create(created);
        await jobs.claim(created.replayId, 'w1', until, now);

        expect(await jobs.claim(created.replayId, 'w1', until, now)).toBe(true);
      });

      it('gives it to another once the lease ran out', async () => {
        const created = job();
        await jobs.create(created);
        await jobs.claim(created.replayId, 'w1', until, now);

        expect(
          await jobs.claim(
            created.replayId,
            'w2',
            at('2026-01-01T00:30:00.000Z'),
            at('2026-01-01T00:15:00.001Z'),
          ),
        ).toBe(true);
      });

      it('frees it when the holder releases it, and ignores a release by another', async () => {
        const created = job();
        await jobs.create(created);
        await jobs.claim(created.replayId, 'w1', until, now);

        await jobs.release(created.replayId, 'w2');
        expect(await jobs.claim(created.replayId, 'w2', until, now)).toBe(false);
        await jobs.release(created.replayId, 'w1');
        expect(await jobs.claim(created.replayId, 'w2', until, now)).toBe(true);
      });

      it('keeps the lease out of the job record', async () => {
        const created = job();
        await jobs.create(created);
        await jobs.claim(created.replayId, 'w1', until, now);

        expect(await jobs.get(created.replayId)).toEqual(created);
      });
    });
  });
}
