import { ulid } from 'ulid';
import type { EventStore } from '@ledger/event-store';
import type { Logger } from '@ledger/observability';
import type { PaymentDocuments, ReadModelGenerations } from '@ledger/projections';
import { runRebuild, type ReplayJob, type ReplayJobs } from '@ledger/replay';
import type { StartReplayDto } from './replay.dto';

/** Runs one kind of replay job to its end (in the background). */
export type ReplayRunner = (job: ReplayJob) => Promise<unknown>;

export interface ReplayServiceDependencies {
  store: EventStore;
  jobs: ReplayJobs;
  generations: ReadModelGenerations;
  documentsOf: (generation: string) => PaymentDocuments;
  logger: Logger;
  /** Re-delivery to one rule; absent where no delivery adapter is configured. */
  republish?: ReplayRunner;
  clock?: () => Date;
}

/**
 * Starts tenant-scoped replays from the admin API and runs them in this process, in the
 * background: the job record in the meta table carries progress and the checkpoint, so a run that
 * dies with its process can be resumed (`ledger replay rebuild --resume`).
 */
export class ReplayService {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly deps: ReplayServiceDependencies) {}

  /** Turns on republish, where a delivery adapter exists (the local stack). */
  enableRepublish(runner: ReplayRunner): void {
    this.deps.republish = runner;
  }

  async start(tenantId: string, request: StartReplayDto): Promise<ReplayJob> {
    const now = (this.deps.clock ?? (() => new Date()))().toISOString();
    const job: ReplayJob = {
      replayId: ulid(),
      kind: request.kind,
      scope: { ...request.scope, tenantId },
      status: 'running',
      dryRun: request.dryRun === true,
      ...(request.kind === 'rebuild' && { mode: 'in-place' as const }),
      ...(request.rule !== undefined && { target: request.rule }),
      ...(request.ratePerSecond !== undefined && { ratePerSecond: request.ratePerSecond }),
      processed: 0,
      startedAt: now,
      updatedAt: now,
    };
    await this.deps.jobs.create(job);
    const run =
      job.kind === 'rebuild'
        ? runRebuild(this.deps, job)
        : this.deps.republish !== undefined
          ? this.deps.republish(job)
          : this.deps.jobs.update(job.replayId, {
              status: 'failed',
              error: 'No re-delivery adapter is configured for this deployment',
            });
    const tracked = run
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error, replayId: job.replayId }, 'replay failed'),
      )
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return job;
  }

  get(replayId: string): Promise<ReplayJob | undefined> {
    return this.deps.jobs.get(replayId);
  }

  /** Waits for the replays this process runs (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
