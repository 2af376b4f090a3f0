import { ulid } from 'ulid';
import type { Logger } from '@ledger/observability';
import {
  ReplayWorkerUnavailableError,
  type ReplayJob,
  type ReplayJobRunner,
  type ReplayJobs,
} from '@ledger/replay';
import type { StartReplayDto } from './replay.dto';

export interface ReplayServiceDependencies {
  jobs: ReplayJobs;
  /** Runs a recorded job (either kind) to its end. */
  run: ReplayJobRunner;
  /**
   * Hands a recorded job to the replay worker (in AWS, where this process is frozen between
   * requests); when absent, the job runs in this process, in the background.
   */
  dispatch?: (job: ReplayJob) => Promise<void>;
  logger: Logger;
  clock?: () => Date;
}

/**
 * Starts replays from the admin API (a tenant's, or with an operator key the store's): records the job, then hands it to the replay
 * worker, or runs it in this process in the background. Either way the job record in the meta
 * table carries progress and the checkpoint, so a run that dies can be resumed.
 */
export class ReplayService {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly deps: ReplayServiceDependencies) {}

  /**
   * Records and starts a replay of one tenant, or of the whole store when `tenantId` is undefined
   * (the controller allows that to operators only).
   */
  async start(tenantId: string | undefined, request: StartReplayDto): Promise<ReplayJob> {
    const now = (this.deps.clock ?? (() => new Date()))().toISOString();
    const job: ReplayJob = {
      replayId: ulid(),
      kind: request.kind,
      scope: { ...request.scope, ...(tenantId !== undefined && { tenantId }) },
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
    if (this.deps.dispatch !== undefined) {
      await this.dispatch(job);
      return job;
    }
    const tracked = this.deps
      .run(job)
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error, replayId: job.replayId }, 'replay failed'),
      )
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return job;
  }

  /** A job the worker could not be given is marked failed, so its progress does not lie. */
  private async dispatch(job: ReplayJob): Promise<void> {
    try {
      await this.deps.dispatch!(job);
    } catch (error) {
      await this.deps.jobs
        .update(job.replayId, {
          status: 'failed',
          error: `Could not start the replay worker: ${(error as Error).message}`,
        })
        .catch(() => undefined);
      throw new ReplayWorkerUnavailableError('The replay worker could not be started; try again', {
        cause: error,
      });
    }
  }

  get(replayId: string): Promise<ReplayJob | undefined> {
    return this.deps.jobs.get(replayId);
  }

  /** Waits for the replays this process runs (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
