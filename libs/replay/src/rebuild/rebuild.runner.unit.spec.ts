import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import { decodePaymentEvent, paymentDecider, paymentStreamId, handleCommand } from '@ledger/ledger';
import {
  LivePaymentDocuments,
  PaymentProjector,
  type Generations,
  type ReadModelGenerations,
} from '@ledger/projections';
import { FIRST_GENERATION } from '@ledger/projections/aws';
import {
  InMemoryPaymentDocuments,
  InMemoryReadModelGenerations,
  type InMemoryReadModelTable,
} from '@ledger/projections/in-memory';
import { InMemoryReplayJobs } from '../infrastructure/in-memory-replay-jobs';
import type { ReplayJob } from '../jobs/replay-job';
import { writeRandomWorkload } from '../testing/random-workload';
import { paymentViewRebuild } from './payment-view.rebuildable';
import { runRebuild, type RebuildDependencies } from './rebuild.runner';
import { verifyReadModel } from './verify-read-model';

let sequence = 0;

/** Reads up to the end of time, not up to now: what was written in this millisecond too. */
const ALL = { to: '9999-12-31T00:00:00.000Z' };

/** A start just after everything written so far, as a job recorded after the workload. */
const afterNow = (): string => new Date(Date.now() + 1).toISOString();

/** A rebuild job as the admin API or the CLI records it, started `startedAt`. */
function newJob(startedAt: string, changes: Partial<ReplayJob> = {}): ReplayJob {
  sequence += 1;
  return {
    replayId: `r-${sequence}`,
    kind: 'rebuild',
    scope: {},
    status: 'running',
    dryRun: false,
    mode: 'blue-green',
    generation: `g-${sequence}`,
    processed: 0,
    startedAt,
    updatedAt: startedAt,
    ...changes,
  };
}

/** Links one more (undecided) webhook delivery to a payment: one more event on its stream. */
async function touch(store: InMemoryEventStore, tenantId: string, paymentId: string) {
  const now = new Date().toISOString();
  const id = `late_${tenantId}_${paymentId}_${++sequence}`;
  await handleCommand(
    store,
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
}

/** A ledger in memory: events, the read-models table, the pointer, the replay records. */
async function inMemoryLedger(payments: number) {
  const store = new InMemoryEventStore();
  const table: InMemoryReadModelTable = new Map();
  const documentsOf = (generation: string) => new InMemoryPaymentDocuments(generation, table);
  const generations = new InMemoryReadModelGenerations();
  const jobs = new InMemoryReplayJobs();
  const events = await writeRandomWorkload(store, { payments, seed: 5 });
  // The live read model, kept by the projector as the stream processor would.
  const projector = new PaymentProjector(store, documentsOf(FIRST_GENERATION));
  for await (const event of store.readAll(ALL)) await projector.handle(event);
  const deps: RebuildDependencies = {
    store,
    jobs,
    projection: paymentViewRebuild(generations, documentsOf),
  };

  /** Every payment document of a generation, in stream order. */
  async function documentsIn(generation: string) {
    const streams = new Set<string>();
    for await (const event of store.readAll(ALL)) {
      if (event.streamId.includes('#payment#')) streams.add(event.streamId);
    }
    return Promise.all(
      [...streams].sort().map((streamId) => {
        const [tenantId, , paymentId] = streamId.split('#');
        return documentsOf(generation).get(tenantId, paymentId);
      }),
    );
  }

  return { store, documentsOf, generations, jobs, events, deps, documentsIn };
}

describe('runRebuild on the in-memory twins', () => {
  describe('when the whole read model is rebuilt blue/green', () => {
    it('builds a generation identical to the live one and switches to it', async () => {
      const ledger = await inMemoryLedger(40);
      const job = newJob(afterNow());
      await ledger.jobs.create(job);

      const finished = await runRebuild(ledger.deps, job, { chunkSize: 25 });

      expect(finished).toMatchObject({ status: 'completed', processed: ledger.events });
      expect(finished.result).toMatchObject({
        mode: 'blue-green',
        generation: job.generation,
        caughtUp: { events: 0, payments: 0 },
        verified: { identical: true, payments: 40 },
      });
      expect(await ledger.generations.current()).toEqual({
        live: job.generation,
        previous: FIRST_GENERATION,
      });
      expect(await ledger.documentsIn(job.generation!)).toEqual(
        await ledger.documentsIn(FIRST_GENERATION),
      );
      expect(await ledger.jobs.get(job.replayId)).toEqual(finished);
    });
  });

  describe('when a blue/green rebuild is interrupted and resumed', () => {
    it('stops at a checkpoint per shard, and the resumed run ends identical', async () => {
      const ledger = await inMemoryLedger(40);
      const job = newJob(afterNow());
      await ledger.jobs.create(job);
      const controller = new AbortController();

      const interrupted = await runRebuild(ledger.deps, job, {
        chunkSize: 10,
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.processed >= 60) controller.abort();
        },
      });

      expect(interrupted.status).toBe('interrupted');
      expect(interrupted.processed).toBeGreaterThanOrEqual(60);
      expect(interrupted.processed).toBeLessThan(ledger.events);
      expect(Object.keys(interrupted.shardCheckpoints ?? {}).length).toBeGreaterThan(0);
      expect((await ledger.generations.current()).live).toBe(FIRST_GENERATION);

      const saved = (await ledger.jobs.get(job.replayId))!;
      expect(saved).toEqual(interrupted);
      const resumed = await runRebuild(ledger.deps, saved, { chunkSize: 10 });

      expect(resumed.status).toBe('completed');
      expect(resumed.processed).toBe(ledger.events);
      expect((await ledger.generations.current()).live).toBe(job.generation);
      expect(await ledger.documentsIn(job.generation!)).toEqual(
        await ledger.documentsIn(FIRST_GENERATION),
      );
    });
  });

  describe('when one tenant is rebuilt in place', () => {
    it("repairs that tenant's documents and leaves the other tenant's alone", async () => {
      const ledger = await inMemoryLedger(20);
      const live = ledger.documentsOf(FIRST_GENERATION);
      const corrupt = async (tenantId: string, paymentId: string) => {
        const good = (await live.get(tenantId, paymentId))!;
        await live.put(
          { ...good, state: { ...good.state, capturedAmount: 999_999 } },
          good.version,
        );
        return good;
      };
      const acme = await corrupt('acme', 'pay_0');
      const globex = await corrupt('globex', 'pay_1');
      const job = newJob(afterNow(), {
        mode: 'in-place',
        scope: { tenantId: 'acme' },
        generation: undefined,
      });
      await ledger.jobs.create(job);

      const finished = await runRebuild(ledger.deps, job);

      expect(finished.status).toBe('completed');
      expect(await live.get('acme', 'pay_0')).toEqual(acme);
      expect((await live.get('globex', 'pay_1'))!.state.capturedAmount).toBe(999_999);
      expect(globex.state.capturedAmount).not.toBe(999_999);
      expect((await verifyReadModel(ledger.store, live, { tenantId: 'acme' })).identical).toBe(
        true,
      );
    });
  });

  describe('when an in-place rebuild is interrupted and resumed', () => {
    it('resumes after its checkpoint and repairs what the first run had not reached', async () => {
      const ledger = await inMemoryLedger(40);
      const live = ledger.documentsOf(FIRST_GENERATION);
      const good = (await live.get('globex', 'pay_39'))!;
      await live.put({ ...good, state: { ...good.state, capturedAmount: 1 } }, good.version);
      const job = newJob(afterNow(), { mode: 'in-place', generation: undefined });
      await ledger.jobs.create(job);
      const controller = new AbortController();
      controller.abort();

      const interrupted = await runRebuild(ledger.deps, job, { signal: controller.signal });

      expect(interrupted).toMatchObject({ status: 'interrupted', processed: 1 });
      expect(interrupted.checkpoint).toBeDefined();
      const resumed = await runRebuild(ledger.deps, (await ledger.jobs.get(job.replayId))!);
      expect(resumed).toMatchObject({ status: 'completed', processed: ledger.events });
      expect(await live.get('globex', 'pay_39')).toEqual(good);
    });
  });

  describe('when a rebuild reports its progress', () => {
    it('counts the total first, then only moves processed forward, and saves the end', async () => {
      const ledger = await inMemoryLedger(40);
      const job = newJob(afterNow());
      await ledger.jobs.create(job);
      const seen: ReplayJob[] = [];

      const finished = await runRebuild(
        { ...ledger.deps, count: (scope) => ledger.store.countAll(scope) },
        job,
        {
          chunkSize: 20,
          onProgress: (progress) => seen.push(progress),
        },
      );

      expect(seen[0]).toMatchObject({ status: 'running', total: ledger.events, processed: 0 });
      const processed = seen.map((progress) => progress.processed);
      expect(processed).toEqual([...processed].sort((a, b) => a - b));
      expect(new Set(processed).size).toBeGreaterThan(2);
      expect(finished).toMatchObject({ status: 'completed', processed: ledger.events });
      expect(await ledger.jobs.get(job.replayId)).toEqual(finished);
    });
  });

  describe('when the progress of a scoped rebuild is counted', () => {
    const countAll = (ledger: Awaited<ReturnType<typeof inMemoryLedger>>) => ({
      ...ledger.deps,
      count: (scope: ReplayJob['scope']) => ledger.store.countAll(scope),
    });

    it("a tenant's dry run ends with processed equal to its total", async () => {
      const ledger = await inMemoryLedger(20);
      // A stream the projection does not fold (a delivery not linked to any payment): read and
      // counted in the total all the same.
      for (const id of ['a', 'b', 'c']) {
        await ledger.store.startStream(`acme#delivery#sandbox#${id}`, {
          type: 'WebhookReceived',
          data: {},
          metadata: { tenantId: 'acme' },
        });
      }
      const job = newJob(afterNow(), {
        dryRun: true,
        mode: 'in-place',
        // Up to the end of time: the events written in this very millisecond count too.
        scope: { tenantId: 'acme', to: ALL.to },
        generation: undefined,
      });
      await ledger.jobs.create(job);

      const finished = await runRebuild(countAll(ledger), job);

      expect(finished.total).toBe(await ledger.store.countAll({ tenantId: 'acme', ...ALL }));
      expect(finished.processed).toBe(finished.total);
      expect(finished.result).toMatchObject({
        dryRun: true,
        payments: 10,
        events: finished.total! - 3,
      });
    });

    it("one payment's rebuild counts the events of its stream", async () => {
      const ledger = await inMemoryLedger(20);
      let streamEvents = 0;
      for await (const _event of ledger.store.readWholeStream(paymentStreamId('acme', 'pay_0'))) {
        streamEvents += 1;
      }
      const job = newJob(afterNow(), {
        mode: 'in-place',
        scope: { tenantId: 'acme', paymentId: 'pay_0' },
        generation: undefined,
      });
      await ledger.jobs.create(job);

      const finished = await runRebuild(countAll(ledger), job);

      expect(streamEvents).toBeGreaterThan(1);
      expect(finished).toMatchObject({
        status: 'completed',
        total: streamEvents,
        processed: streamEvents,
      });
    });

    it("one payment's dry run counts the same", async () => {
      const ledger = await inMemoryLedger(20);
      const job = newJob(afterNow(), {
        dryRun: true,
        mode: 'in-place',
        scope: { tenantId: 'acme', paymentId: 'pay_0' },
        generation: undefined,
      });
      await ledger.jobs.create(job);

      const finished = await runRebuild(countAll(ledger), job);

      expect(finished.processed).toBe(finished.total);
      expect(finished.result).toMatchObject({ dryRun: true, payments: 1, events: finished.total });
    });
  });

  describe('when a dry run is asked for', () => {
    it('counts the payments and events in scope and writes nothing', async () => {
      const ledger = await inMemoryLedger(20);
      const job = newJob(afterNow(), {
        dryRun: true,
        mode: 'in-place',
        scope: { tenantId: 'acme' },
      });
      await ledger.jobs.create(job);
      const before = await ledger.documentsIn(FIRST_GENERATION);

      const finished = await runRebuild(ledger.deps, job);

      expect(finished.result).toMatchObject({ dryRun: true, payments: 10 });
      expect(await ledger.documentsIn(FIRST_GENERATION)).toEqual(before);
      expect(await ledger.generations.current()).toEqual({ live: FIRST_GENERATION });
    });
  });
});

describe('a blue/green rebuild while projectors still act on the old pointer', () => {
  /** Generations as a projector's process reads them: cached for `cacheMs`. */
  function cachedView(generations: ReadModelGenerations, cacheMs: number): ReadModelGenerations {
    let cached: { value: Generations; until: number } | undefined;
    return {
      async current() {
        if (cached !== undefined && cached.until > Date.now()) return cached.value;
        cached = { value: await generations.current(), until: Date.now() + cacheMs };
        return cached.value;
      },
      startBuilding: (generation) => generations.startBuilding(generation),
      switchTo: (generation) => generations.switchTo(generation),
      abandon: (generation) => generations.abandon(generation),
    };
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00.000Z') });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('re-folds what they wrote only to the old generation before switching', async () => {
    const ledger = await inMemoryLedger(10);
    // The projectors cache the pointer for 5 s: the rebuild must wait that out, not a guess.
    const propagationMs = 5_000;
    const projector = new PaymentProjector(
      ledger.store,
      new LivePaymentDocuments(cachedView(ledger.generations, propagationMs), ledger.documentsOf),
    );
    // The projector's process read the pointer just before the rebuild announced its generation.
    await touch(ledger.store, 'acme', 'pay_0');
    for await (const event of ledger.store.readAll({ ...ALL, from: new Date().toISOString() }))
      await projector.handle(event);
    const job = newJob(afterNow());
    await ledger.jobs.create(job);
    await jest.advanceTimersByTimeAsync(2);

    const running = runRebuild(
      {
        ...ledger.deps,
        projection: {
          ...paymentViewRebuild(ledger.generations, ledger.documentsOf),
          generations: {
            propagationMs,
            current: () => ledger.generations.current(),
            startBuilding: (generation) => ledger.generations.startBuilding(generation),
            switchTo: (generation) => ledger.generations.switchTo(generation),
            abandon: (generation) => ledger.generations.abandon(generation),
          },
        },
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      },
      job,
    );
    // Three seconds on, a payment changes; the projector still writes to the old generation only.
    await jest.advanceTimersByTimeAsync(3_000);
    const since = new Date().toISOString();
    await touch(ledger.store, 'globex', 'pay_1');
    for await (const event of ledger.store.readAll({ ...ALL, from: since }))
      await projector.handle(event);
    await jest.advanceTimersByTimeAsync(propagationMs);
    const finished = await running;

    expect(finished.status).toBe('completed');
    expect(finished.result).toMatchObject({ caughtUp: { events: 1, payments: 1 } });
    expect((await ledger.generations.current()).live).toBe(job.generation);
    expect(
      (await verifyReadModel(ledger.store, ledger.documentsOf(job.generation!))).identical,
    ).toBe(true);
  });
});
