import { ReconcilePayment } from '../reconcile-payment/reconcile-payment.command';

/** A payment the sweeper may settle, as the read model's unsettled index lists it. */
export interface SweepCandidate {
  tenantId: string;
  paymentId: string;
  status: string;
  updatedAt: string;
}

/** Where the sweeper finds its candidates: a bounded, paged query, never a scan of the events. */
export interface SweepCandidates {
  unsettledBefore(
    updatedBefore: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: SweepCandidate[]; nextCursor?: string }>;
}

/** What the sweeper settles with: the handler of the reconcile command, as the API's. */
export interface Reconciler {
  execute(command: ReconcilePayment): Promise<{ body: Record<string, unknown> }>;
}

export interface PaymentSweeperOptions {
  /** Only payments unchanged for this long (at least the 30 s request lock). */
  olderThanMs: number;
  /** At most this many payments per sweep, so one sweep stays bounded. */
  maxPerSweep: number;
  /** Candidates read per index query. Default 25. */
  pageSize?: number;
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

const UNSETTLED = new Set(['requested', 'processing', 'outcome_unknown']);

/** The minimum `olderThanMs`: the request-idempotency lock a live run may still hold. */
export const MIN_SWEEP_AGE_MS = 30_000;

/**
 * Gives every payment left without a conclusion a path to settlement: payments in `requested`,
 * `processing` or `outcome_unknown` unchanged for longer than `olderThanMs` are reconciled one by
 * one (the gateway is asked; a payment it has nothing for is charged with the same key). A
 * failure of one payment is reported and does not stop the sweep.
 */
export class PaymentSweeper {
  private readonly pageSize: number;

  constructor(
    private readonly candidates: SweepCandidates,
    private readonly reconciler: Reconciler,
    private readonly options: PaymentSweeperOptions,
    private readonly clock: () => Date = () => new Date(),
    private readonly onError: (error: unknown, candidate: SweepCandidate) => void = () => {},
  ) {
    if (options.olderThanMs < MIN_SWEEP_AGE_MS) {
      throw new RangeError(
        `olderThanMs must be at least ${MIN_SWEEP_AGE_MS} (the request lock), got ${options.olderThanMs}`,
      );
    }
    this.pageSize = options.pageSize ?? 25;
  }

  /**
   * One sweep over the payments unchanged for longer than `olderThanMs`, oldest first per shard.
   * With `budgetMs`, no payment is started once that much time has passed (a function's timeout).
   */
  async sweep(budgetMs = Number.POSITIVE_INFINITY): Promise<SweepResult> {
    const startedAt = this.clock().getTime();
    const outOfTime = (): boolean => this.clock().getTime() - startedAt >= budgetMs;
    const before = new Date(startedAt - this.options.olderThanMs).toISOString();
    const result: SweepResult = { examined: 0, settled: 0, unsettled: 0, failed: 0 };
    let cursor: string | undefined;
    do {
      const limit = Math.min(this.pageSize, this.options.maxPerSweep - result.examined);
      const page = await this.candidates.unsettledBefore(before, {
        limit,
        ...(cursor !== undefined && { cursor }),
      });
      for (const candidate of page.items) {
        if (outOfTime()) return result;
        result.examined += 1;
        try {
          const { body } = await this.reconciler.execute(
            new ReconcilePayment(candidate.tenantId, candidate.paymentId, undefined, 'sweeper'),
          );
          if (UNSETTLED.has(String(body.status))) result.unsettled += 1;
          else result.settled += 1;
        } catch (error) {
          result.failed += 1;
          this.onError(error, candidate);
        }
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined && result.examined < this.options.maxPerSweep && !outOfTime());
    return result;
  }
}
