import type { BreakerState } from '@ledger/ledger';
import type { ReplayJob, ReplayJobs } from '@ledger/replay';
import {
  BulkReconciler,
  RECONCILABLE_STATUSES,
  countReconcileItem,
  emptyReconcileSummary,
  type BulkReconcileResult,
  type ReconcilableStatus,
  type ReconcileCandidates,
  type Reconciler,
  type ReconcileItemResult,
  type ReconcileSelection,
  type ReconcileSummary,
} from './bulk-reconcile';

/** The most item entries a job record keeps (a DynamoDB item holds 400 KB); the rest are counted. */
export const MAX_REPORTED_ITEMS = 500;

/** What a reconcile job's `result` holds. */
export interface ReconcileJobResult {
  summary: ReconcileSummary;
  /** The first {@link MAX_REPORTED_ITEMS} items, in the order they ended. */
  items: ReconcileItemResult[];
  /** Present when items were left out of `items` (the summary counts them all). */
  itemsOmitted?: number;
}

export interface ReconcileJobDependencies {
  jobs: Pick<ReplayJobs, 'update'>;
  /** The bulk reconciler for a job's concurrency. */
  reconcilerFor: (job: ReplayJob) => BulkReconciler;
  /** Each item as it ends (the CLI's report), besides the record. */
  onItem?: (item: ReconcileItemResult) => void | Promise<void>;
  /** Progress after each item (the CLI's bar). */
  onProgress?: (job: ReplayJob) => void;
  clock?: () => Date;
}

/** The job's selection, from its record. */
export function reconcileSelectionOf(job: ReplayJob): ReconcileSelection {
  const spec = job.reconcile;
  if (spec === undefined) throw new TypeError(`Job ${job.replayId} is not a reconcile job`);
  const statuses = spec.statuses.filter((status): status is ReconcilableStatus =>
    (RECONCILABLE_STATUSES as readonly string[]).includes(status),
  );
  return {
    statuses,
    updatedBefore: spec.updatedBefore,
    ...(job.scope.tenantId !== undefined && { tenantId: job.scope.tenantId }),
  };
}

/**
 * Runs a recorded reconcile job until it ends or `signal` aborts, from its checkpoint (the
 * unsettled index's cursor after the last page done): counts what it selects on a fresh start,
 * saves progress, the cursor and the report after every page, and ends the record `completed`,
 * `interrupted` (stopped; resume from the checkpoint) or `failed` (a tenant's gateway stayed
 * unavailable; resumable too).
 */
export async function runReconcileJob(
  deps: ReconcileJobDependencies,
  job: ReplayJob,
  signal?: AbortSignal,
): Promise<ReplayJob> {
  const clock = deps.clock ?? (() => new Date());
  const selection = reconcileSelectionOf(job);
  const bulk = deps.reconcilerFor(job);
  const before = resultOf(job);
  let current: ReplayJob = { ...job, status: 'running' };
  if (job.total === undefined) {
    const total = await bulk.count(selection);
    current = { ...current, total };
    await deps.jobs.update(job.replayId, { total, status: 'running' });
  } else if (job.status !== 'running') {
    await deps.jobs.update(job.replayId, { status: 'running' }, ['error']);
  }
  const summary = before.summary;
  const items = before.items;
  let omitted = before.itemsOmitted ?? 0;
  const result = (): ReconcileJobResult => ({
    summary,
    items,
    ...(omitted > 0 && { itemsOmitted: omitted }),
  });
  const ended: BulkReconcileResult = await bulk.run(selection, {
    ...(job.checkpoint !== undefined && { cursor: job.checkpoint }),
    dryRun: job.dryRun,
    ...(signal !== undefined && { signal }),
    onItem: async (item) => {
      countReconcileItem(summary, item);
      if (items.length < MAX_REPORTED_ITEMS) items.push(item);
      else omitted += 1;
      current = { ...current, processed: summary.selected, result: { ...result() } };
      deps.onProgress?.(current);
      await deps.onItem?.(item);
    },
    onPage: async ({ cursor }) => {
      const updatedAt = clock().toISOString();
      current = {
        ...current,
        processed: summary.selected,
        updatedAt,
        result: { ...result() },
        ...(cursor !== undefined && { checkpoint: cursor }),
      };
      await deps.jobs.update(
        job.replayId,
        {
          processed: summary.selected,
          updatedAt,
          result: { ...result() },
          ...(cursor !== undefined && { checkpoint: cursor }),
        },
        cursor === undefined ? ['checkpoint'] : [],
      );
    },
  });
  const now = clock().toISOString();
  const status =
    ended.ended === 'completed' || ended.ended === 'limit'
      ? 'completed'
      : ended.ended === 'stopped'
        ? 'interrupted'
        : 'failed';
  const error =
    ended.ended === 'gateway_unavailable'
      ? `gateway_unavailable: the breaker of tenant ${ended.tenantId ?? '?'} stayed open; resume the job once it closes`
      : undefined;
  const final: ReplayJob = {
    ...current,
    status,
    processed: summary.selected,
    updatedAt: now,
    result: { ...result() },
    ...(status === 'completed' && { finishedAt: now }),
    ...(error !== undefined && { error }),
  };
  if (ended.cursor !== undefined) final.checkpoint = ended.cursor;
  else if (status === 'completed') delete final.checkpoint;
  await deps.jobs.update(
    job.replayId,
    {
      status,
      processed: final.processed,
      updatedAt: now,
      result: final.result,
      ...(final.finishedAt !== undefined && { finishedAt: final.finishedAt }),
      ...(error !== undefined && { error }),
      ...(final.checkpoint !== undefined && { checkpoint: final.checkpoint }),
    },
    final.checkpoint === undefined ? ['checkpoint'] : [],
  );
  return final;
}

/** The report a job recorded so far (a resumed job goes on counting from it). */
function resultOf(job: ReplayJob): ReconcileJobResult {
  const stored = job.result as Partial<ReconcileJobResult> | undefined;
  return {
    summary: stored?.summary ?? emptyReconcileSummary(),
    items: stored?.items ?? [],
    ...(stored?.itemsOmitted !== undefined && { itemsOmitted: stored.itemsOmitted }),
  };
}

export interface ReconcileJobRunnerDependencies extends Omit<
  ReconcileJobDependencies,
  'reconcilerFor'
> {
  /** The read model's unsettled index. */
  candidates: ReconcileCandidates;
  /** The reconcile command's handler, as the API dispatches to. */
  reconciler: Reconciler;
  /** Each tenant's breaker state. */
  breakerOf: (tenantId: string) => BreakerState;
  /** Recorded on the events; default `operator`. */
  actor?: string;
}

/** Runs reconcile jobs on these ports, each with its own concurrency and rate. */
export function reconcileJobRunner(
  deps: ReconcileJobRunnerDependencies,
): (job: ReplayJob, signal?: AbortSignal) => Promise<ReplayJob> {
  const reconcilerFor = (job: ReplayJob): BulkReconciler =>
    new BulkReconciler(deps.candidates, deps.reconciler, {
      concurrency: job.reconcile?.concurrency ?? 4,
      actor: deps.actor ?? 'operator',
      breakerOf: deps.breakerOf,
      ...(job.ratePerSecond !== undefined && { pacing: { ratePerSecond: job.ratePerSecond } }),
    });
  return (job, signal) => runReconcileJob({ ...deps, reconcilerFor }, job, signal);
}
