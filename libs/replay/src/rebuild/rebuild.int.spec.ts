import { ulid } from 'ulid';
import { decodePaymentEvent, paymentDecider, paymentStreamId, handleCommand } from '@ledger/ledger';
import {
  LivePaymentDocuments,
  PaymentProjector,
  type GenerationDocuments,
} from '@ledger/projections';
import {
  DynamoDbPaymentDocuments,
  DynamoDbReadModelGenerations,
  FIRST_GENERATION,
} from '@ledger/projections/aws';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { DynamoDbReplayJobs } from '../infrastructure/dynamodb-replay-jobs';
import type { ReplayJob } from '../jobs/replay-job';
import { writeRandomWorkload } from '../testing/random-workload';
import { paymentViewRebuild } from './payment-view.rebuildable';
import { runRebuild, type RebuildDependencies } from './rebuild.runner';
import { verifyReadModel } from './verify-read-model';

/** A new blue/green rebuild job of the whole read model, into a generation of its own. */
function blueGreenJob(changes: Partial<ReplayJob> = {}): ReplayJob {
  const now = new Date().toISOString();
  return {
    replayId: ulid(),
    kind: 'rebuild',
    scope: {},
    status: 'running',
    dryRun: false,
    mode: 'blue-green',
    generation: `g-${ulid()}`,
    processed: 0,
    startedAt: now,
    updatedAt: now,
    ...changes,
  };
}

/** The workloads' setup: generous, since CI shares its two cores with other work. */
const SETUP_TIMEOUT_MS = 300_000;

describe('rebuilding the payments read model', () => {
  let ledger: TestLedger;
  let deps: RebuildDependencies;
  let generations: DynamoDbReadModelGenerations;
  let jobs: DynamoDbReplayJobs;
  let events: number;
  const documentsOf = (generation: string) =>
    new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels, generation);

  beforeAll(async () => {
    ledger = await createTestLedger('rebuild');
    events = await writeRandomWorkload(ledger.store, { payments: 300, seed: 42 });
    // The live read model, kept by the projector as the stream processor would.
    const projector = new PaymentProjector(ledger.store, documentsOf(FIRST_GENERATION));
    for await (const event of ledger.store.readAll()) await projector.handle(event);
    jobs = new DynamoDbReplayJobs(ledger.client, ledger.tables.meta);
    // Every reader here reads the pointer fresh: nothing to wait out before the catch-up.
    generations = new DynamoDbReadModelGenerations(ledger.client, ledger.tables.meta, 0, 0);
    deps = { store: ledger.store, jobs, projection: paymentViewRebuild(generations, documentsOf) };
    // Hundreds of appends and their projection: minutes on a busy 2-core machine, not seconds.
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await ledger.close();
  });

  async function newJob(changes: Partial<ReplayJob> = {}): Promise<ReplayJob> {
    const job = blueGreenJob(changes);
    await jobs.create(job);
    return job;
  }

  async function allDocuments(generation: string) {
    const documents = documentsOf(generation);
    const ids = new Set<string>();
    for await (const event of ledger.store.readAll()) {
      if (event.streamId.includes('#payment#')) ids.add(event.streamId);
    }
    return Promise.all(
      [...ids].sort().map((streamId) => {
        const [tenantId, , paymentId] = streamId.split('#');
        return documents.get(tenantId, paymentId);
      }),
    );
  }

  describe('when a random workload of over 2,000 events is rebuilt from scratch', () => {
    it('gives a read model identical to the live one, and switches to it', async () => {
      expect(events).toBeGreaterThanOrEqual(2000);
      expect((await verifyReadModel(ledger.store, documentsOf(FIRST_GENERATION))).identical).toBe(
        true,
      );
      const job = await newJob();

      const finished = await runRebuild(deps, job);

      expect(finished.status).toBe('completed');
      expect(finished.processed).toBeGreaterThanOrEqual(events);
      expect((await generations.current()).live).toBe(job.generation);
      const verified = await verifyReadModel(ledger.store, documentsOf(job.generation!));
      expect(verified).toMatchObject({ identical: true, payments: 300, differences: [] });
      expect(await allDocuments(job.generation!)).toEqual(await allDocuments(FIRST_GENERATION));
    });
  });

  describe('when a rebuild is interrupted half-way and resumed', () => {
    it('ends with the same read model as an uninterrupted one', async () => {
      const controller = new AbortController();
      const job = await newJob();
      const interrupted = await runRebuild(deps, job, {
        chunkSize: 50,
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.processed >= 500) controller.abort();
        },
      });
      expect(interrupted.status).toBe('interrupted');
      expect(interrupted.processed).toBeLessThan(events);
      expect(Object.keys(interrupted.shardCheckpoints ?? {}).length).toBeGreaterThan(0);

      const saved = (await jobs.get(job.replayId))!;
      const resumed = await runRebuild(deps, saved, { chunkSize: 50 });

      expect(resumed.status).toBe('completed');
      expect((await verifyReadModel(ledger.store, documentsOf(job.generation!))).identical).toBe(
        true,
      );
      expect(await allDocuments(job.generation!)).toEqual(await allDocuments(FIRST_GENERATION));
    });
  });

  describe('when one tenant is rebuilt in place', () => {
    it('repairs a corrupted document and leaves the rest alone', async () => {
      const { live } = await generations.current();
      const documents = documentsOf(live);
      const good = (await documents.get('acme', 'pay_0'))!;
      await documents.put(
        { ...good, state: { ...good.state, capturedAmount: 999_999 } },
        good.version,
      );
      expect((await verifyReadModel(ledger.store, documents)).identical).toBe(false);

      const finished = await runRebuild(
        deps,
        await newJob({ mode: 'in-place', scope: { tenantId: 'acme' }, generation: undefined }),
      );

      expect(finished.status).toBe('completed');
      expect(await documents.get('acme', 'pay_0')).toEqual(good);
      expect((await verifyReadModel(ledger.store, documents)).identical).toBe(true);
    });
  });

  describe('when a failed rebuild is resumed and completes', () => {
    it('no longer reports the earlier error', async () => {
      const job = await newJob({
        mode: 'in-place',
        scope: { tenantId: 'acme', paymentId: 'pay_0' },
        status: 'failed',
        error: 'the store was unreachable',
      });

      const finished = await runRebuild(deps, job);

      expect(finished.status).toBe('completed');
      expect(finished.error).toBeUndefined();
      const stored = await jobs.get(job.replayId);
      expect(stored?.status).toBe('completed');
      expect(stored).not.toHaveProperty('error');
    });
  });

  describe('when a dry run is asked for', () => {
    it('reports what it would process and writes nothing', async () => {
      const before = await generations.current();

      const finished = await runRebuild(deps, await newJob({ dryRun: true }));

      expect(finished.status).toBe('completed');
      expect(finished.result).toMatchObject({ dryRun: true, payments: 300 });
      expect((finished.result as { events: number }).events).toBeGreaterThanOrEqual(events);
      expect(await generations.current()).toEqual(before);
    });
  });

  describe('when a blue/green rebuild is asked for only part of the read model', () => {
    it('is refused: a partial generation would drop the rest', async () => {
      await expect(
        runRebuild(deps, await newJob({ scope: { tenantId: 'acme' } })),
      ).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });
  });
});

describe('a blue/green rebuild while payments keep changing', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await createTestLedger('rebuild-live');
    await writeRandomWorkload(ledger.store, { payments: 60, seed: 11 });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await ledger.close();
  });

  /** Links one more (undecided) webhook delivery to a payment; returns the events appended. */
  async function touch(tenantId: string, paymentId: string): Promise<number> {
    const now = new Date().toISOString();
    const id = `late_${tenantId}_${paymentId}`;
    const handled = await handleCommand(
      ledger.store,
      paymentDecider,
      decodePaymentEvent,
      paymentStreamId(tenantId, paymentId),
      {
        type: 'ApplyWebhook',
        data: {
          deliveryEventId: id,
          deliveryStreamId: `${tenantId}#delivery#sandbox#${id}`,
          provider: 'sandbox',
          deliveryId: id,
          providerEventType: 'payment.pending',
          intent: 'unknown',
          receivedAt: now,
        },
        metadata: { now, tenantId },
      },
    );
    return handled.appended ? handled.appended.toVersion - handled.appended.fromVersion + 1 : 0;
  }

  it("repairs what its bulk writes overwrote of the projector's, and ends identical", async () => {
    const documentsOf = (generation: string) =>
      new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels, generation);
    const generations = new DynamoDbReadModelGenerations(ledger.client, ledger.tables.meta, 0, 0);
    const projector = new PaymentProjector(
      ledger.store,
      new LivePaymentDocuments(generations, documentsOf),
    );
    for await (const event of ledger.store.readAll()) await projector.handle(event);
    const jobs = new DynamoDbReplayJobs(ledger.client, ledger.tables.meta);
    const job = blueGreenJob();
    await jobs.create(job);
    // Before the bulk phase writes anything, payments change and the projector, which already
    // knows the new generation, writes their newer documents into it.
    let appended = 0;
    let interference: Promise<void> | undefined;
    const interfere = async (): Promise<void> => {
      const since = new Date().toISOString();
      for (let i = 0; i < 60; i += 3)
        appended += await touch(['acme', 'globex'][i % 2], `pay_${i}`);
      for await (const event of ledger.store.readAll({ from: since }))
        await projector.handle(event);
    };
    let overwrittenNewer = 0;
    const building = documentsOf(job.generation!);
    const watched: GenerationDocuments = {
      get: (tenantId, paymentId) => building.get(tenantId, paymentId),
      put: (document, expectedVersion) => building.put(document, expectedVersion),
      list: (query) => building.list(query),
      async overwriteMany(documents) {
        interference ??= interfere();
        await interference;
        for (const document of documents) {
          const stored = await building.get(document.tenantId, document.paymentId);
          if (stored !== undefined && stored.version > document.version) overwrittenNewer++;
        }
        await building.overwriteMany(documents);
      },
    };

    const finished = await runRebuild(
      {
        store: ledger.store,
        jobs,
        projection: paymentViewRebuild(generations, (generation) =>
          generation === job.generation ? watched : documentsOf(generation),
        ),
      },
      job,
      { chunkSize: 50 },
    );

    expect(appended).toBeGreaterThan(0);
    expect(overwrittenNewer).toBeGreaterThan(0);
    expect(finished.status).toBe('completed');
    expect(finished.result).toMatchObject({ caughtUp: { events: appended, payments: 20 } });
    expect((await verifyReadModel(ledger.store, documentsOf(job.generation!))).identical).toBe(
      true,
    );
    expect((await generations.current()).live).toBe(job.generation);
  });
});
