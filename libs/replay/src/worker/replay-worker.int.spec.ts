import { ulid } from 'ulid';
import { PaymentProjector } from '@ledger/projections';
import {
  DynamoDbPaymentDocuments,
  DynamoDbReadModelGenerations,
  FIRST_GENERATION,
} from '@ledger/projections/aws';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { DynamoDbReplayJobs } from '../infrastructure/dynamodb-replay-jobs';
import type { ReplayJob } from '../jobs/replay-job';
import { verifyReadModel } from '../rebuild/verify-read-model';
import { writeRandomWorkload } from '../testing/random-workload';
import { replayJobRunner, workOnReplay, type ReplayWorkOutcome } from './replay-worker';

describe('the replay worker', () => {
  let ledger: TestLedger;
  let jobs: DynamoDbReplayJobs;
  const documents = () =>
    new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels, FIRST_GENERATION);

  beforeAll(async () => {
    ledger = await createTestLedger('replay-worker');
    await writeRandomWorkload(ledger.store, { payments: 40, seed: 5 });
    const projector = new PaymentProjector(ledger.store, documents());
    for await (const event of ledger.store.readAll()) await projector.handle(event);
    jobs = new DynamoDbReplayJobs(ledger.client, ledger.tables.meta);
  });

  afterAll(async () => {
    await ledger.close();
  });

  async function rebuildJob(): Promise<ReplayJob> {
    const now = new Date().toISOString();
    const job: ReplayJob = {
      replayId: ulid(),
      kind: 'rebuild',
      scope: { tenantId: 'acme' },
      status: 'running',
      dryRun: false,
      mode: 'in-place',
      processed: 0,
      startedAt: now,
      updatedAt: now,
    };
    await jobs.create(job);
    return job;
  }

  describe('when a job outlasts one invocation', () => {
    it('hands the rest to the next invocation until the job is done', async () => {
      const good = (await documents().get('acme', 'pay_0'))!;
      await documents().put(
        { ...good, state: { ...good.state, capturedAmount: 123_456 } },
        good.version,
      );
      const job = await rebuildJob();
      const run = replayJobRunner({
        store: ledger.store,
        jobs,
        generations: new DynamoDbReadModelGenerations(ledger.client, ledger.tables.meta, 0),
        documentsOf: (generation) =>
          new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels, generation),
      });
      // Each "invocation" has 40 ms before its stop margin: far less than the job needs.
      const invocations: string[] = [job.replayId];
      const outcomes: ReplayWorkOutcome[] = [];
      while (invocations.length > 0 && outcomes.length < 500) {
        const replayId = invocations.shift()!;
        outcomes.push(
          await workOnReplay(
            {
              jobs,
              leases: jobs,
              owner: `invocation-${outcomes.length}`,
              run,
              continueLater: (id) => Promise.resolve(void invocations.push(id)),
            },
            replayId,
            () => 1_040,
            1_000,
          ),
        );
      }

      expect(outcomes.at(-1)).toBe('completed');
      expect(outcomes.filter((o) => o === 'continued').length).toBeGreaterThan(0);
      expect(outcomes.slice(0, -1).every((o) => o === 'continued')).toBe(true);
      expect((await jobs.get(job.replayId))?.status).toBe('completed');
      expect((await documents().get('acme', 'pay_0'))?.state).toEqual(good.state);
      expect((await verifyReadModel(ledger.store, documents())).identical).toBe(true);
    });
  });

  describe('when it is invoked again for a job that already ended', () => {
    it('leaves the job alone', async () => {
      const job = await rebuildJob();
      await jobs.update(job.replayId, { status: 'completed', processed: 7 });
      const run = jest.fn();

      const outcome = await workOnReplay(
        { jobs, leases: jobs, owner: 'invocation-x', run, continueLater: () => Promise.resolve() },
        job.replayId,
        () => 60_000,
      );

      expect(outcome).toBe('already-ended');
      expect(run).not.toHaveBeenCalled();
      expect((await jobs.get(job.replayId))?.processed).toBe(7);
    });
  });

  describe('when a duplicate invocation arrives while another runs the job', () => {
    it('finds it busy and runs nothing; once the lease runs out, the job can be taken', async () => {
      const job = await rebuildJob();
      const now = new Date();
      expect(await jobs.claim(job.replayId, 'first', new Date(now.getTime() + 60_000), now)).toBe(
        true,
      );
      const run = jest.fn();

      const outcome = await workOnReplay(
        { jobs, leases: jobs, owner: 'duplicate', run, continueLater: () => Promise.resolve() },
        job.replayId,
        () => 60_000,
      );

      expect(outcome).toBe('busy');
      expect(run).not.toHaveBeenCalled();
      const later = new Date(now.getTime() + 61_000);
      expect(
        await jobs.claim(job.replayId, 'retry', new Date(later.getTime() + 1_000), later),
      ).toBe(true);
      expect(await jobs.get(job.replayId)).not.toHaveProperty('leaseOwner');
    });
  });

  describe('when the job is not recorded', () => {
    it('says so and runs nothing', async () => {
      const run = jest.fn();

      const outcome = await workOnReplay(
        { jobs, leases: jobs, owner: 'invocation-x', run, continueLater: () => Promise.resolve() },
        'no-such-replay',
        () => 60_000,
      );

      expect(outcome).toBe('missing');
      expect(run).not.toHaveBeenCalled();
    });
  });
});
