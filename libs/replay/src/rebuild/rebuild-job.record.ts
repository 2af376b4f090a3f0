import type { ReplayJob, ReplayJobs } from '../jobs/replay-job';

/**
 * A rebuild's job record while it runs: the state as last saved, and the saves themselves. Each
 * save writes its changes to the store, then tells `onProgress`.
 */
export class RebuildJobRecord {
  private current: ReplayJob;
  private queued: Promise<void> = Promise.resolve();
  private joining = false;

  constructor(
    private readonly jobs: ReplayJobs,
    job: ReplayJob,
    private readonly clock: () => Date,
    private readonly onProgress?: (job: ReplayJob) => void,
  ) {
    // A resumed job runs again: the error of an earlier failed run no longer describes it.
    const { error: _earlierError, ...resumed } = job;
    this.current = { ...resumed, status: 'running', updatedAt: clock().toISOString() };
  }

  get state(): ReplayJob {
    return this.current;
  }

  /** Saves `changes` (and drops `remove`) in the record, stamped with the time of saving. */
  async save(changes: Partial<ReplayJob>, remove?: ReadonlyArray<keyof ReplayJob>): Promise<void> {
    this.current = { ...this.current, ...changes, updatedAt: this.clock().toISOString() };
    await this.jobs.update(
      this.current.replayId,
      { ...changes, updatedAt: this.current.updatedAt },
      remove,
    );
    this.onProgress?.(this.current);
  }

  /**
   * Saves progress from parallel lanes: saves run one after the other, each writing the figures
   * `progress` gives at the moment it starts, so progress only moves on; while one waits to
   * start, further requests join it instead of queueing. Resolves once that save is done.
   */
  saveProgress(progress: () => Partial<ReplayJob>): Promise<void> {
    if (!this.joining) {
      this.joining = true;
      this.queued = this.queued.then(() => {
        this.joining = false;
        return this.save(progress());
      });
    }
    return this.queued;
  }

  /** Resolves once every progress save asked for so far is done; rejects if one failed. */
  settled(): Promise<void> {
    return this.queued;
  }
}
