import { lagStats, type LagStats } from './pipeline-stats';

/** How a payment left the queue: still waiting, or concluded as the read model shows it. */
export const WAITING_STATUSES: ReadonlySet<string> = new Set(['requested', 'processing']);

/** Operations per second over `elapsedMs`; NaN when no time passed. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : Number.NaN;
}

/** The sizes of the batches that carry `total` items, at most `size` each (the last may be short). */
export function batchSizes(total: number, size: number): number[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be ≥ 1: ${size}`);
  const sizes: number[] = [];
  for (let left = total; left > 0; left -= size) sizes.push(Math.min(size, left));
  return sizes;
}

/** Tally of values, e.g. statuses: `{ succeeded: 98, failed: 2 }`. */
export function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Several tallies added up. */
export function addCounts(
  counts: Iterable<Readonly<Record<string, number>>>,
): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const each of counts) {
    for (const [key, n] of Object.entries(each)) sum[key] = (sum[key] ?? 0) + n;
  }
  return sum;
}

/**
 * Time from each payment's request (the client sending it) to its conclusion (the recorded time
 * of its `PaymentSucceeded` or `PaymentFailed`), for the payments both are known of.
 */
export function requestToConclusion(
  requestedAtMs: ReadonlyMap<string, number>,
  concludedAtMs: ReadonlyMap<string, number>,
): LagStats {
  const lags: number[] = [];
  for (const [paymentId, concluded] of concludedAtMs) {
    const requested = requestedAtMs.get(paymentId);
    lags.push(requested === undefined ? Number.NaN : Math.max(0, concluded - requested));
  }
  return lagStats(lags);
}
