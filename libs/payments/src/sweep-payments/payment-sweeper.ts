import type { BreakerState } from '@ledger/ledger';
import {
  BulkReconciler,
  RECONCILABLE_STATUSES,
  type ReconcileCandidate,
  type ReconcileCandidates,
  type Reconciler,
} from '../bulk-reconcile/bulk-reconcile';

/** A payment the sweeper may settle, as the read model's unsettled index lists it. */
export type SweepCandidate = ReconcileCandidate;

/** Where the sweeper finds its candidates: a bounded, paged query, never a scan of the events. */
export type SweepCandidates = ReconcileCandidates;

export type { Reconciler };

export interface PaymentSweeperOptions {
  /** Only payments unchanged for this long (at least the 30 s request lock). */
  olderThanMs: number;
  /** At most this many payments per sweep, so one sweep stays bounded. */
  maxPerSweep: number;
  /** Candidates read per index query. Default 25. */
  pageSize?: number;
  /**
   * Each tenant's breaker state: a sweep asks nothing of a tenant whose breaker is open and
   * ends there (the rest waits for the next sweep), as a bulk reconcile would wait.
   */
  breakerOf?: (tenantId: string) => BreakerState;
}

/** What one sweep did. */
export interface SweepResult {
  examined: number;
  /** Now `succeeded`, `failed` (or refunded): concluded by this sweep. */
  settled: number;
  /** Still `requested`, `processing` or `outcome_unknown` (the gateway could not tell yet). */
  unsettled: number;
  failed: number;
}

/** The minimum `olderThanMs`: the request-idempotency lock a live run may still hold. */
export const MIN_SWEEP_AGE_MS = 30_000;

/**
 * Gives every payment left without a conclusion a path to settlement: payments in `requested`,
 * `processing` or `outcome_unknown` unchanged for longer than `olderThanMs` are reconciled one by
 * one (the gateway is asked; a payment it has nothing for is charged with the same key). A
 * failure of one payment is reported and does not stop the sweep. It is a bulk reconcile
 * ({@link BulkReconciler}) of every unsettled status, one payment at a time, as the sweeper.
 */
export class PaymentSweeper {
  private readonly bulk: BulkReconciler;

  constructor(
    candidates: SweepCandidates,
    reconciler: Reconciler,
    private readonly options: PaymentSweeperOptions,
    private readonly clock: () => Date = () => new Date(),
    onError: (error: unknown, candidate: SweepCandidate) => void = () => {},
  ) {
    if (options.olderThanMs < MIN_SWEEP_AGE_MS) {
      throw new RangeError(
        `olderThanMs must be at least ${MIN_SWEEP_AGE_MS} (the request lock), got ${options.olderThanMs}`,
      );
    }
    this.bulk = new BulkReconciler(candidates, reconciler, {
      concurrency: 1,
      pageSize: options.pageSize ?? 25,
      actor: 'sweeper',
      ...(options.breakerOf !== undefined && { breakerOf: options.breakerOf }),
      // One payment at a time is pace enough; an open breaker ends the sweep at once.
      pacing: { ratePerSecond: Number.POSITIVE_INFINITY, maxBreakerWaitMs: 0 },
      onError,
    });
  }

  /**
   * One sweep over the payments unchanged for longer than `olderThanMs`, oldest first per shard.
   * With `budgetMs`, no payment is started once that much time has passed (a function's timeout).
   */
  async sweep(budgetMs = Number.POSITIVE_INFINITY): Promise<SweepResult> {
    const startedAt = this.clock().getTime();
    const { summary } = await this.bulk.run(
      {
        statuses: RECONCILABLE_STATUSES,
        updatedBefore: new Date(startedAt - this.options.olderThanMs).toISOString(),
      },
      {
        maxItems: this.options.maxPerSweep,
        shouldStop: () => this.clock().getTime() - startedAt >= budgetMs,
      },
    );
    const settled = Object.values(summary.settled).reduce((sum, n) => sum + n, 0);
    return {
      examined: summary.selected,
      settled: settled + summary.skipped,
      unsettled: summary.unknown,
      failed: summary.errors,
    };
  }
}
