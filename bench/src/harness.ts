import { hrtime } from 'node:process';

export interface MeasureOptions {
  name: string;
  /** Concurrent workers, each awaiting its previous op before starting the next. */
  inFlight: number;
  total: number;
  /** One operation; `i` is its index in this measurement (0 ≤ i < total). */
  op: (i: number) => Promise<unknown>;
}

export interface Measurement {
  name: string;
  inFlight: number;
  total: number;
  elapsedMs: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Runs `total` ops with `inFlight` workers pulling from one shared counter (a closed loop, like
 * callers waiting on their writes), and reports throughput plus latency percentiles. The first
 * failing op aborts the measurement: a figure that includes errors would not be comparable.
 */
export async function measure(options: MeasureOptions): Promise<Measurement> {
  const { name, inFlight, total, op } = options;
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`total must be ≥ 1: ${total}`);
  if (!Number.isInteger(inFlight) || inFlight < 1) {
    throw new RangeError(`inFlight must be ≥ 1: ${inFlight}`);
  }
  const latenciesMs = new Float64Array(total);
  let next = 0;
  let failed = false;

  const worker = async (): Promise<void> => {
    while (!failed) {
      const i = next++;
      if (i >= total) return;
      const started = hrtime.bigint();
      try {
        await op(i);
      } catch (error) {
        failed = true;
        throw new Error(`${name}: op ${i} failed`, { cause: error });
      }
      latenciesMs[i] = Number(hrtime.bigint() - started) / 1e6;
    }
  };

  const started = hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
  const elapsedMs = Number(hrtime.bigint() - started) / 1e6;

  latenciesMs.sort();
  return {
    name,
    inFlight,
    total,
    elapsedMs,
    opsPerSec: (total * 1000) / elapsedMs,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs: latenciesMs[total - 1],
  };
}

/** Nearest-rank percentile of an ascending array: an observed value, never an interpolation. */
export function percentile(sortedAscending: ArrayLike<number>, p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sortedAscending[rank - 1];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
