import { ValidationFailedError } from '@ledger/errors';
import { ulid } from 'ulid';
import type { ReplayJob, ReplayJobs } from '../jobs/replay-job';
import type { ReplayJobRunner } from '../worker/replay-worker';
import { ReplayWorkerUnavailableError } from '../worker/replay-worker.errors';
import { OperatorKeyRequiredError, type ReplayRequester } from './replay-requester';
import type { ReplayRequest, StartReplay } from './start-replay.command';

export interface StartReplayDependencies {
  jobs: ReplayJobs;
  /** Runs a recorded job (either kind) to its end. */
  run: ReplayJobRunner;
  /**
   * Hands a recorded job to the replay worker (in AWS, where this process is frozen between
   * requests); when absent, the job runs in this process, in the background.
   */
  dispatch?: (job: ReplayJob) => Promise<void>;
  /** The configured tenants: an operator may name only one of them. */
  tenantIds: readonly string[];
  /** The rules a republish may aim at (template.yaml's); when absent, any name is recorded. */
  ruleNames?: readonly string[];
  /** A job run in this process failed (its record says so too). */
  onFailure?: (error: unknown, replayId: string) => void;
  clock?: () => Date;
}

/**
 * Handles {@link StartReplay}: decides which tenant the replay covers (a tenant's own; with an
 * operator key a named tenant or the whole store), records the job, then hands it to the replay
 * worker or runs it in this process in the background. Either way the job record carries progress
 * and the checkpoint, so a run that dies can be resumed.
 */
export class StartReplayHandler {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly deps: StartReplayDependencies) {}

  async execute({ requester, request }: StartReplay): Promise<ReplayJob> {
    if (request.kind === 'republish' && request.rule === undefined) {
      throw new ValidationFailedError('A republish is aimed at one rule', [
        'rule is required for republish',
      ]);
    }
    if (request.kind === 'reconcile' && request.reconcile === undefined) {
      throw new ValidationFailedError('A reconcile says what it selects', [
        'reconcile is required for a reconcile job',
      ]);
    }
    this.checkRule(request);
    const tenantId = this.tenantOf(requester, request);
    const started = (this.deps.clock ?? (() => new Date()))();
    const now = started.toISOString();
    const reconcile = request.kind === 'reconcile' ? request.reconcile : undefined;
    const job: ReplayJob = {
      replayId: ulid(),
      kind: request.kind,
      scope: { ...request.scope, ...(tenantId !== undefined && { tenantId }) },
      status: 'running',
      dryRun: request.dryRun === true,
      ...(request.kind === 'rebuild' && { mode: 'in-place' as const }),
      ...(request.rule !== undefined && { target: request.rule }),
      ...(request.ratePerSecond !== undefined && { ratePerSecond: request.ratePerSecond }),
      ...(reconcile !== undefined && {
        reconcile: {
          ...reconcile,
          updatedBefore: new Date(
            started.getTime() - reconcile.olderThanSeconds * 1000,
          ).toISOString(),
        },
      }),
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
      .catch((error: unknown) => this.deps.onFailure?.(error, job.replayId))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return job;
  }

  /** An unknown rule is refused before a job is recorded, naming the rules there are. */
  private checkRule(request: ReplayRequest): void {
    const known = this.deps.ruleNames;
    if (request.kind !== 'republish' || known === undefined) return;
    if (request.rule !== undefined && known.includes(request.rule)) return;
    throw new ValidationFailedError(`No rule is named "${request.rule}"`, [
      `rule must be one of: ${known.join(', ') || 'none'}`,
    ]);
  }

  /** Waits for the replays this process runs (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  /**
   * The tenant a replay covers, undefined for the whole store. A tenant key covers its own tenant
   * and nothing else; an operator names a tenant or asks for the store explicitly.
   */
  private tenantOf(requester: ReplayRequester, request: ReplayRequest): string | undefined {
    if (requester.kind === 'tenant') {
      if (request.storeWide === true) throw new OperatorKeyRequiredError();
      if (request.tenantId !== undefined && request.tenantId !== requester.tenantId) {
        throw new OperatorKeyRequiredError();
      }
      return requester.tenantId;
    }
    if (request.tenantId !== undefined && request.storeWide === true) {
      throw new ValidationFailedError('Name a tenant or ask for the whole store, not both', [
        'tenantId and storeWide exclude each other',
      ]);
    }
    if (request.tenantId !== undefined) {
      if (!this.deps.tenantIds.includes(request.tenantId)) {
        throw new ValidationFailedError('No such tenant', [`unknown tenant ${request.tenantId}`]);
      }
      return request.tenantId;
    }
    if (request.storeWide !== true) {
      throw new ValidationFailedError('An operator names the tenant to replay', [
        'set tenantId, or storeWide: true for every tenant',
      ]);
    }
    return undefined;
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
}
