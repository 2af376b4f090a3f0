import type { BusRule } from '@ledger/bus';
import type { EventStore, GlobalEventLog } from '@ledger/event-store';
import type { GenerationDocuments, ReadModelGenerations } from '@ledger/projections';
import type { ReplayJob, ReplayJobLeases, ReplayJobs } from '../jobs/replay-job';
import { paymentViewRebuild } from '../rebuild/payment-view.rebuildable';
import { runRebuild } from '../rebuild/rebuild.runner';
import type { ReplayDelivery } from '../republish/replay-delivery.port';
import { republish } from '../republish/republish.runner';
import { ruleSelector } from '../republish/rule-selector';

/** Runs a job (either kind) until it ends or `signal` aborts; resolves with its final record. */
export type ReplayJobRunner = (job: ReplayJob, signal?: AbortSignal) => Promise<ReplayJob>;

export interface ReplayJobRunnerDependencies {
  store: EventStore & GlobalEventLog;
  jobs: ReplayJobs;
  generations: ReadModelGenerations;
  documentsOf: (generation: string) => GenerationDocuments;
  /** Where republished events go, and the rules they are aimed at (template.yaml's). */
  republish?: { delivery: ReplayDelivery; rules: readonly BusRule[] };
  /** Runs a bulk reconcile job (libs/payments), where the deployment can reach the gateways. */
  reconcile?: ReplayJobRunner;
}

/** The one way a recorded replay job is run, wherever it runs (API process, worker, CLI). */
export function replayJobRunner(deps: ReplayJobRunnerDependencies): ReplayJobRunner {
  const run: ReplayJobRunner = async (job, signal) => {
    if (job.kind === 'rebuild') {
      const projection = paymentViewRebuild(deps.generations, deps.documentsOf);
      return runRebuild({ store: deps.store, jobs: deps.jobs, projection }, job, { signal });
    }
    if (job.kind === 'reconcile') {
      if (deps.reconcile === undefined) {
        const error = 'No payment gateway is configured for reconcile jobs in this deployment';
        await deps.jobs.update(job.replayId, { status: 'failed', error });
        return { ...job, status: 'failed', error };
      }
      return deps.reconcile(job, signal);
    }
    if (deps.republish === undefined) {
      const error = 'No re-delivery adapter is configured for this deployment';
      await deps.jobs.update(job.replayId, { status: 'failed', error });
      return { ...job, status: 'failed', error };
    }
    return republish({
      store: deps.store,
      delivery: deps.republish.delivery,
      jobs: deps.jobs,
      job,
      selects: ruleSelector(deps.republish.rules, job.target ?? ''),
      signal,
    });
  };
  // Whatever stops a job before its runner settles it (an unknown rule, a bad record) still
  // ends its record: a job left `running` with no error would never say what happened.
  return async (job, signal) => {
    try {
      return await run(job, signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const current = await deps.jobs.get(job.replayId).catch(() => undefined);
      if (current?.status !== 'failed') {
        await deps.jobs
          .update(job.replayId, { status: 'failed', error: message })
          .catch(() => undefined);
      }
      throw error;
    }
  };
}

export interface ReplayWorkerDependencies {
  jobs: ReplayJobs;
  leases: ReplayJobLeases;
  /** This invocation, as a lease owner (Lambda's request id). */
  owner: string;
  run: ReplayJobRunner;
  /** Hands the job to a fresh invocation of the worker, asynchronously. */
  continueLater: (replayId: string) => Promise<void>;
  log?: (message: string, fields: Record<string, unknown>) => void;
  clock?: () => Date;
}

/** What one invocation of the worker did with its job. */
export type ReplayWorkOutcome =
  'completed' | 'failed' | 'continued' | 'already-ended' | 'missing' | 'busy';

/**
 * One invocation of the replay worker: runs the job while the invocation has time, stopping
 * `marginMs` before its end (the job saves its checkpoint and is marked interrupted), then hands
 * the rest to a fresh invocation, which resumes from that checkpoint. It holds the job's lease
 * meanwhile: a duplicate invocation finds the job busy, and one for a job that already ended
 * leaves it alone.
 */
export async function workOnReplay(
  deps: ReplayWorkerDependencies,
  replayId: string,
  remainingMs: () => number,
  marginMs = 60_000,
): Promise<ReplayWorkOutcome> {
  const job = await deps.jobs.get(replayId);
  if (job === undefined) {
    deps.log?.('replay job not found', { replayId });
    return 'missing';
  }
  if (job.status === 'completed' || job.status === 'failed') return 'already-ended';
  const now = (deps.clock ?? (() => new Date()))();
  // Held until this invocation must have ended, so a crash frees the job for a retry.
  const until = new Date(now.getTime() + remainingMs());
  if (!(await deps.leases.claim(replayId, deps.owner, until, now))) {
    deps.log?.('replay job is being run by another invocation', { replayId });
    return 'busy';
  }
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), Math.max(0, remainingMs() - marginMs));
  let finished: ReplayJob;
  try {
    finished = await deps.run(job, stop.signal);
  } catch (error) {
    // The runner has marked the job failed with the error; an operator can resume it.
    deps.log?.('replay failed', { replayId, error: (error as Error).message });
    return 'failed';
  } finally {
    clearTimeout(timer);
    await deps.leases.release(replayId, deps.owner);
  }
  if (finished.status === 'interrupted') {
    await deps.continueLater(replayId);
    return 'continued';
  }
  return finished.status === 'completed' ? 'completed' : 'failed';
}

/** What the replay worker is invoked with. */
export interface ReplayWorkerEvent {
  replayId: string;
}
