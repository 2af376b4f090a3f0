import { LedgerError } from '@ledger/errors';
import type { BreakerState } from '@ledger/ledger';
import pLimit from 'p-limit';
import { ReconcilePayment } from '../reconcile-payment/reconcile-payment.command';
import { GatewayPacing, type GatewayPacingOptions } from './gateway-pacing';

/** The statuses a bulk reconcile may select: the ones the unsettled index lists. */
export const RECONCILABLE_STATUSES = ['requested', 'processing', 'outcome_unknown'] as const;
export type ReconcilableStatus = (typeof RECONCILABLE_STATUSES)[number];
/** What `ledger payments reconcile` and `POST /admin/reconciliations` select by default. */
export const DEFAULT_RECONCILE_STATUSES: readonly ReconcilableStatus[] = [
  'outcome_unknown',
  'requested',
];

/** A payment the index lists as not concluded. */
export interface ReconcileCandidate {
  tenantId: string;
  paymentId: string;
  status: string;
  updatedAt: string;
}

/** Where candidates come from: the read model's unsettled index, a bounded paged query. */
export interface ReconcileCandidates {
  unsettledBefore(
    updatedBefore: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: ReconcileCandidate[]; nextCursor?: string }>;
}

/** What settles one payment: the handler of the reconcile command, as the API's. */
export interface Reconciler {
  execute(command: ReconcilePayment): Promise<{ body: Record<string, unknown> }>;
}

/** Which payments a run asks the gateway about. */
export interface ReconcileSelection {
  statuses: readonly ReconcilableStatus[];
  /** Only payments unchanged since before this instant (ISO-8601, exclusive). */
  updatedBefore: string;
  /** One tenant's payments; absent: every tenant's. */
  tenantId?: string;
}

/**
 * What became of one selected payment:
 * - `settled`: concluded by this run, `status` says as what;
 * - `unknown`: asked, still not concluded (`code` `gateway_unavailable` when the gateway could not be asked);
 * - `skipped`: already concluded when its turn came, nothing asked;
 * - `error`: the reconcile failed (`code`, `detail`);
 * - `selected`: a dry run's entry, nothing asked.
 */
export interface ReconcileItemResult {
  tenantId: string;
  paymentId: string;
  /** The status the index listed it with. */
  listed: string;
  outcome: 'settled' | 'unknown' | 'skipped' | 'error' | 'selected';
  /** The payment's status after the run (absent on errors and dry runs). */
  status?: string;
  code?: string;
  detail?: string;
}

/** Counts per outcome. */
export interface ReconcileSummary {
  selected: number;
  /** Concluded by this run, by the status they reached. */
  settled: Record<string, number>;
  unknown: number;
  skipped: number;
  errors: number;
}

export const emptyReconcileSummary = (): ReconcileSummary => ({
  selected: 0,
  settled: {},
  unknown: 0,
  skipped: 0,
  errors: 0,
});

/** Adds one item's outcome to `summary` (in place) and returns it. */
export function countReconcileItem(
  summary: ReconcileSummary,
  item: ReconcileItemResult,
): ReconcileSummary {
  summary.selected += 1;
  switch (item.outcome) {
    case 'settled': {
      const status = item.status ?? 'unknown';
      summary.settled[status] = (summary.settled[status] ?? 0) + 1;
      break;
    }
    case 'unknown':
      summary.unknown += 1;
      break;
    case 'skipped':
      summary.skipped += 1;
      break;
    case 'error':
      summary.errors += 1;
      break;
    case 'selected':
      break;
  }
  return summary;
}

export interface BulkReconcileOptions {
  /** Payments asked at once. Default 4. */
  concurrency?: number;
  /** Candidates read per index query. Default 25. */
  pageSize?: number;
  /** Who reconciles, as recorded on the events (`operator`, `sweeper`...). */
  actor?: string;
  /** Each tenant's breaker state (its gateway client's). Absent: always closed. */
  breakerOf?: (tenantId: string) => BreakerState;
  /** Pacing per tenant: calls per second, how long to wait for an open breaker. */
  pacing?: Omit<GatewayPacingOptions, 'breakerOf'>;
  /** A payment that could not be reconciled (its error is also in the item). */
  onError?: (error: unknown, candidate: ReconcileCandidate) => void;
}

/** Where a run is and what to do besides asking. */
export interface BulkReconcileRun {
  /** Resume after this index position (a previous run's `cursor`). */
  cursor?: string;
  /** List what would be asked; no gateway call, no event. */
  dryRun?: boolean;
  /** Start no more payments once this aborts; the run ends at the last finished page. */
  signal?: AbortSignal;
  /** Start no more payments once this says so (a time budget). */
  shouldStop?: () => boolean;
  /** At most this many payments. */
  maxItems?: number;
  /** Each item as it ends. */
  onItem?: (item: ReconcileItemResult) => void | Promise<void>;
  /**
   * A page of candidates is done: everything before `cursor` is (undefined: the index is done).
   * The place to save a checkpoint.
   */
  onPage?: (progress: { cursor?: string; summary: ReconcileSummary }) => void | Promise<void>;
}

/** How a run ended. */
export interface BulkReconcileResult {
  summary: ReconcileSummary;
  /** Where a later run resumes; absent when the index is done. */
  cursor?: string;
  /** `completed`: every candidate seen; otherwise why it stopped early. */
  ended: 'completed' | 'stopped' | 'limit' | 'gateway_unavailable';
  /** With `gateway_unavailable`: the tenant whose breaker stayed open. */
  tenantId?: string;
}

const UNSETTLED = new Set<string>(RECONCILABLE_STATUSES);

/**
 * Asks the gateway about every selected payment not concluded, through the reconcile command
 * (the same path as `POST /payments/{id}/reconcile`): a few at a time, each tenant paced to a
 * rate and held back while its breaker is not closed, so the run itself never opens a breaker.
 * Candidates come from the read model's unsettled index, page by page; a page's cursor is
 * reported only once every payment of the page has ended, so a run resumed from it does what is
 * left (a payment concluded meanwhile is skipped, without asking).
 */
export class BulkReconciler {
  constructor(
    private readonly candidates: ReconcileCandidates,
    private readonly reconciler: Reconciler,
    private readonly options: BulkReconcileOptions = {},
  ) {
    const concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
  }

  /** How many payments `selection` holds now (a job's total): the index read once, nothing asked. */
  async count(selection: ReconcileSelection): Promise<number> {
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await this.candidates.unsettledBefore(selection.updatedBefore, {
        limit: 100,
        ...(cursor !== undefined && { cursor }),
      });
      total += page.items.filter((item) => selects(selection, item)).length;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return total;
  }

  /** One run over `selection`, from `run.cursor` on. */
  async run(
    selection: ReconcileSelection,
    run: BulkReconcileRun = {},
  ): Promise<BulkReconcileResult> {
    const pageSize = this.options.pageSize ?? 25;
    const limit = pLimit(this.options.concurrency ?? 4);
    const pacing = new GatewayPacing({
      ...this.options.pacing,
      breakerOf: this.options.breakerOf ?? (() => 'closed'),
    });
    const summary = emptyReconcileSummary();
    const stopped = (): boolean => run.signal?.aborted === true || run.shouldStop?.() === true;
    let cursor = run.cursor;
    let examined = 0;
    for (;;) {
      if (run.maxItems !== undefined && examined >= run.maxItems) {
        return { summary, ...(cursor !== undefined && { cursor }), ended: 'limit' };
      }
      if (stopped()) return { summary, ...(cursor !== undefined && { cursor }), ended: 'stopped' };
      const want = Math.min(pageSize, (run.maxItems ?? Number.POSITIVE_INFINITY) - examined);
      const page = await this.candidates.unsettledBefore(selection.updatedBefore, {
        limit: want,
        ...(cursor !== undefined && { cursor }),
      });
      const chosen = page.items.filter((item) => selects(selection, item));
      let unavailable: string | undefined;
      let interrupted = false;
      await Promise.all(
        chosen.map((candidate) =>
          limit(async () => {
            if (unavailable !== undefined || stopped()) {
              interrupted = true;
              return;
            }
            if (run.dryRun !== true) {
              const admitted = await pacing.admit(candidate.tenantId, run.signal);
              if (admitted === 'unavailable') {
                unavailable = candidate.tenantId;
                return;
              }
              if (admitted === 'stopped') {
                interrupted = true;
                return;
              }
            }
            examined += 1;
            const item =
              run.dryRun === true
                ? selected(candidate)
                : await this.reconcileOne(candidate).finally(() =>
                    pacing.release(candidate.tenantId),
                  );
            countReconcileItem(summary, item);
            await run.onItem?.(item);
          }),
        ),
      );
      if (unavailable !== undefined) {
        // The page is not done: a resumed run starts again at its beginning.
        return {
          summary,
          ...(cursor !== undefined && { cursor }),
          ended: 'gateway_unavailable',
          tenantId: unavailable,
        };
      }
      if (interrupted) {
        return { summary, ...(cursor !== undefined && { cursor }), ended: 'stopped' };
      }
      cursor = page.nextCursor;
      await run.onPage?.({ ...(cursor !== undefined && { cursor }), summary });
      if (cursor === undefined) return { summary, ended: 'completed' };
    }
  }

  private async reconcileOne(candidate: ReconcileCandidate): Promise<ReconcileItemResult> {
    const { tenantId, paymentId, status: listed } = candidate;
    const base = { tenantId, paymentId, listed };
    try {
      const { body } = await this.reconciler.execute(
        new ReconcilePayment(tenantId, paymentId, undefined, this.options.actor ?? 'operator', {
          skipConcluded: true,
        }),
      );
      const status = String(body.status);
      if (body.skipped === true) return { ...base, outcome: 'skipped', status };
      return { ...base, outcome: UNSETTLED.has(status) ? 'unknown' : 'settled', status };
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'gateway_unavailable') {
        const payment = error.details().payment as { status?: unknown } | undefined;
        return {
          ...base,
          outcome: 'unknown',
          ...(typeof payment?.status === 'string' && { status: payment.status }),
          code: error.code,
          detail: error.message,
        };
      }
      this.options.onError?.(error, candidate);
      return {
        ...base,
        outcome: 'error',
        code: error instanceof LedgerError ? error.code : 'unexpected_error',
        detail: error instanceof Error ? error.message : String(error),
      };
    }
  }
}

function selects(selection: ReconcileSelection, item: ReconcileCandidate): boolean {
  return (
    (selection.statuses as readonly string[]).includes(item.status) &&
    (selection.tenantId === undefined || item.tenantId === selection.tenantId)
  );
}

function selected(candidate: ReconcileCandidate): ReconcileItemResult {
  return {
    tenantId: candidate.tenantId,
    paymentId: candidate.paymentId,
    listed: candidate.status,
    outcome: 'selected',
    status: candidate.status,
  };
}
