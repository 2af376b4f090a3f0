/** What a replay covers; every member narrows it, none = everything. */
export interface ReplayScope {
  tenantId?: string;
  paymentId?: string;
  /** Inclusive lower bound on `recordedAt` (ISO-8601). */
  from?: string;
  /** Exclusive upper bound on `recordedAt` (ISO-8601). */
  to?: string;
  /** Republish only: these detail-types. */
  detailTypes?: string[];
}

/** `reconcile`: a bulk reconcile of payments (libs/payments), recorded and run as a replay is. */
export type ReplayKind = 'rebuild' | 'republish' | 'reconcile';

/** What a bulk reconcile asks the gateway about, fixed when the job is recorded. */
export interface ReconcileJobSpec {
  /** The payment statuses selected (`requested`, `processing`, `outcome_unknown`). */
  statuses: string[];
  /** Only payments unchanged since before this instant: the job's start less `olderThanSeconds`. */
  updatedBefore: string;
  olderThanSeconds: number;
  /** Payments asked at once. */
  concurrency: number;
}
export type ReplayStatus = 'running' | 'interrupted' | 'failed' | 'completed';

/** A replay's record: what it does, how far it got, where to resume. */
export interface ReplayJob {
  replayId: string;
  kind: ReplayKind;
  scope: ReplayScope;
  status: ReplayStatus;
  dryRun: boolean;
  /** Rebuild: 'blue-green' (default) or 'in-place'. Republish: the rule it is aimed at. */
  mode?: 'blue-green' | 'in-place';
  target?: string;
  /** Republish: events per second. */
  ratePerSecond?: number;
  /** Reconcile: what it selects and how hard it asks. */
  reconcile?: ReconcileJobSpec;
  /** Rebuild (blue-green): the read-model generation being built. */
  generation?: string;
  processed: number;
  /** Events in scope, counted before the run (absent while counting). */
  total?: number;
  /** The global position up to which everything is done: where a resume starts. */
  checkpoint?: string;
  /**
   * Blue/green rebuild: per time-index reader (lane, by index; see `readShards`), the position up
   * to which that reader is done; the readers run in parallel, so each resumes from its own.
   */
  shardCheckpoints?: Record<string, string>;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  error?: string;
  /** Outcome details (e.g. verification differences, dry-run counts). */
  result?: Record<string, unknown>;
}

/** Which recent jobs to list: one tenant's (store-wide jobs have none), or every job. */
export interface RecentReplayJobs {
  /** Only this tenant's jobs; absent: every job, store-wide ones included (an operator's view). */
  tenantId?: string;
  /** At most this many (1 to {@link MAX_RECENT_REPLAY_JOBS}). */
  limit: number;
}

/** The most jobs one `recent` call lists. */
export const MAX_RECENT_REPLAY_JOBS = 100;

/** A `recent` limit brought into 1..{@link MAX_RECENT_REPLAY_JOBS} (adapters share the rule). */
export function recentLimit(limit: number): number {
  return Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_RECENT_REPLAY_JOBS);
}

/** Where replay records live, so progress can be read and a run resumed. */
export interface ReplayJobs {
  create(job: ReplayJob): Promise<void>;
  get(replayId: string): Promise<ReplayJob | undefined>;
  /**
   * The latest jobs, newest `startedAt` first (ties: the greater id first), as recorded. Jobs
   * recorded before the store kept a list are not in it (`get` still finds them).
   */
  recent(options: RecentReplayJobs): Promise<ReplayJob[]>;
  /** Saves progress; `checkpoint` and counters only move forward. `remove` drops fields. */
  update(
    replayId: string,
    changes: Partial<ReplayJob>,
    remove?: ReadonlyArray<keyof ReplayJob>,
  ): Promise<void>;
}

/**
 * Who runs a job right now. A worker invocation holds its job until a time, so a duplicate
 * invocation (asynchronous invocations arrive at least once) does not run it at the same time.
 */
export interface ReplayJobLeases {
  /** Takes the job for `owner` until `until` (ISO-8601); false while another owner's lease lasts. */
  claim(replayId: string, owner: string, until: Date, now: Date): Promise<boolean>;
  /** Gives the job up, if `owner` still holds it. */
  release(replayId: string, owner: string): Promise<void>;
}
