import {
  recentLimit,
  type RecentReplayJobs,
  type ReplayJob,
  type ReplayJobLeases,
  type ReplayJobs,
} from '../jobs/replay-job';

interface Lease {
  owner: string;
  until: Date;
}

/**
 * Replay records in memory, with the same rules as the meta table's: `create` refuses an id it
 * holds, `update` refuses one it does not, a lease is taken only when free, run out or already
 * ours. For tests and single-process tools; records are copied in and out, never shared.
 */
export class InMemoryReplayJobs implements ReplayJobs, ReplayJobLeases {
  private readonly jobs = new Map<string, ReplayJob>();
  private readonly leases = new Map<string, Lease>();

  create(job: ReplayJob): Promise<void> {
    if (this.jobs.has(job.replayId)) {
      return Promise.reject(new Error(`Replay job ${job.replayId} already exists`));
    }
    this.jobs.set(job.replayId, withoutUndefined(structuredClone(job)));
    return Promise.resolve();
  }

  get(replayId: string): Promise<ReplayJob | undefined> {
    const job = this.jobs.get(replayId);
    return Promise.resolve(job === undefined ? undefined : structuredClone(job));
  }

  recent({ tenantId, limit }: RecentReplayJobs): Promise<ReplayJob[]> {
    // The table's list order: `<startedAt>#<replayId>`, greatest first.
    const order = (job: ReplayJob): string => `${job.startedAt}#${job.replayId}`;
    const listed = [...this.jobs.values()]
      .filter((job) => tenantId === undefined || job.scope.tenantId === tenantId)
      .sort((a, b) => (order(a) < order(b) ? 1 : order(a) > order(b) ? -1 : 0))
      .slice(0, recentLimit(limit));
    return Promise.resolve(listed.map((job) => structuredClone(job)));
  }

  update(
    replayId: string,
    changes: Partial<ReplayJob>,
    remove: ReadonlyArray<keyof ReplayJob> = [],
  ): Promise<void> {
    const job = this.jobs.get(replayId);
    if (job === undefined) {
      return Promise.reject(new Error(`Replay job ${replayId} does not exist`));
    }
    const next: Partial<ReplayJob> = { ...job, ...withoutUndefined(structuredClone(changes)) };
    for (const name of remove) delete next[name];
    this.jobs.set(replayId, next as ReplayJob);
    return Promise.resolve();
  }

  claim(replayId: string, owner: string, until: Date, now: Date): Promise<boolean> {
    if (!this.jobs.has(replayId)) return Promise.resolve(false);
    const lease = this.leases.get(replayId);
    // As the table's condition: free once `until` is before `now`, or when it is ours already.
    if (lease !== undefined && lease.owner !== owner && lease.until >= now) {
      return Promise.resolve(false);
    }
    this.leases.set(replayId, { owner, until });
    return Promise.resolve(true);
  }

  release(replayId: string, owner: string): Promise<void> {
    if (this.leases.get(replayId)?.owner === owner) this.leases.delete(replayId);
    return Promise.resolve();
  }
}

/** Drops members set to undefined, as the table's marshalling does. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
