import { percentile } from './harness';

/**
 * The pure arithmetic of the pipeline scenarios (lags, the stepped rate search, the op counts per
 * delivery), apart from the I/O so a unit spec holds it.
 */

export interface LagStats {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank p50/p99 and the maximum of a set of lags (NaN entries: not observed, left out). */
export function lagStats(lagsMs: readonly number[]): LagStats {
  const sorted = Float64Array.from(lagsMs.filter((lag) => !Number.isNaN(lag))).sort();
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1],
  };
}

/** The limits a step of the sustained pipeline must keep to count as keeping up. */
export const KEEPS_UP = {
  /** Lag p99 from acknowledgement to projected and to published. */
  lagP99Ms: 2_000,
  /** Every consumer done with the last delivery within this long of the load stopping. */
  caughtUpMs: 5_000,
  /** Intake achieved against the offered rate: below it the intake, not the consumers, failed. */
  intakeShare: 0.95,
} as const;

export interface StepOutcome {
  offeredPerSec: number;
  intakePerSec: number;
  /** Answers other than 2xx, connection errors included. */
  failed: number;
  projected: LagStats;
  published: LagStats;
  /** From the load stopping to the last delivery projected and published; NaN when never. */
  caughtUpMs: number;
  /** Sampled deliveries never projected or published within the wait. */
  unobserved: number;
}

/** Why a step did not keep up; empty when it did. */
export function keepUpFailures(step: StepOutcome): string[] {
  const reasons: string[] = [];
  if (step.failed > 0) reasons.push(`${step.failed} deliveries not acknowledged 2xx`);
  if (step.intakePerSec < step.offeredPerSec * KEEPS_UP.intakeShare) {
    reasons.push(
      `intake ${step.intakePerSec.toFixed(0)}/s below ${KEEPS_UP.intakeShare} of the offered ` +
        `${step.offeredPerSec.toFixed(0)}/s`,
    );
  }
  for (const [name, lag] of [
    ['projected', step.projected],
    ['published', step.published],
  ] as const) {
    if (!(lag.p99Ms < KEEPS_UP.lagP99Ms)) {
      reasons.push(`lag p99 to ${name} ${lag.p99Ms.toFixed(0)} ms >= ${KEEPS_UP.lagP99Ms} ms`);
    }
  }
  if (step.unobserved > 0) reasons.push(`${step.unobserved} sampled deliveries never seen done`);
  if (!(step.caughtUpMs <= KEEPS_UP.caughtUpMs)) {
    reasons.push(
      Number.isNaN(step.caughtUpMs)
        ? 'never caught up'
        : `caught up ${(step.caughtUpMs / 1000).toFixed(1)} s after the load stopped`,
    );
  }
  return reasons;
}

/**
 * The next offered rate to try, as a fraction of the raw write rate, in a stepped search for the
 * highest fraction that keeps up. It starts at `start` and climbs one step while steps pass. While
 * every step tried has failed it descends: to the highest step below the failures that is at most
 * `ceiling` (what the slowest consumer got through in the last failed step, as a fraction of the
 * same raw rate), or one step when no ceiling is known; the lowest step when none is that low. Once a
 * step has passed it climbs one step at a time up to the lowest failure, so a descent that jumped
 * is filled back in. Undefined when the search is over (a pass right below a failure, or an end).
 */
export function nextSearchFraction(
  fractions: readonly number[],
  start: number,
  tried: ReadonlyMap<number, boolean>,
  ceiling?: number,
): number | undefined {
  const steps = [...fractions].sort((a, b) => a - b);
  if (!steps.includes(start)) throw new RangeError(`start ${start} is not one of the steps`);
  if (tried.size === 0) return start;
  const passed = [...tried].filter(([, ok]) => ok).map(([fraction]) => fraction);
  const failed = [...tried].filter(([, ok]) => !ok).map(([fraction]) => fraction);
  const lowestFailure = failed.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...failed);
  if (passed.length > 0) {
    const highestPass = Math.max(...passed);
    return steps.find((step) => step > highestPass && step < lowestFailure);
  }
  const below = steps.filter((step) => step < lowestFailure);
  if (below.length === 0) return undefined;
  if (ceiling === undefined || Number.isNaN(ceiling)) return below.at(-1);
  const capped = below.filter((step) => step <= ceiling);
  return capped.length === 0 ? below[0] : capped.at(-1);
}

/** The highest fraction that kept up, if any did. */
export function highestPassing(tried: ReadonlyMap<number, boolean>): number | undefined {
  const passed = [...tried].filter(([, ok]) => ok).map(([fraction]) => fraction);
  return passed.length === 0 ? undefined : Math.max(...passed);
}

/** Counts by key, e.g. `{ "PutItem events": 3 }`. */
export type Counts = Record<string, number>;

/** One process's running totals of DynamoDB requests, as the op-log hook writes them. */
export interface OpTotals {
  requests: Counts;
  items: Counts;
  writeUnits: Counts;
}

export const WRITE_OPERATIONS = [
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
] as const;

/** Sums the totals of several processes. */
export function sumTotals(logs: readonly OpTotals[]): OpTotals {
  const sum: OpTotals = { requests: {}, items: {}, writeUnits: {} };
  for (const log of logs) {
    for (const part of ['requests', 'items', 'writeUnits'] as const) {
      for (const [key, n] of Object.entries(log[part])) {
        sum[part][key] = (sum[part][key] ?? 0) + n;
      }
    }
  }
  return sum;
}

export interface OpsPerDelivery {
  deliveries: number;
  /** Requests per delivery by `<Operation> <table>` (table without the prefix). */
  requests: Counts;
  /** Items per delivery inside batches and transactions, by `<Operation> <table>`. */
  items: Counts;
  /** Write requests per delivery, all tables. */
  writeRequests: number;
  /** Read requests per delivery, all tables. */
  readRequests: number;
  /** Write units per delivery by table or `<table>/<index>`, and in all. */
  writeUnits: Counts;
  totalWriteUnits: number;
}

/**
 * What `deliveries` deliveries cost between two snapshots of the processes' totals (before the
 * first was sent, after the last was done everywhere), per delivery; table names lose `prefix`.
 */
export function opsPerDelivery(
  before: OpTotals,
  after: OpTotals,
  deliveries: number,
  prefix: string,
): OpsPerDelivery {
  if (!(deliveries > 0)) throw new RangeError(`deliveries must be > 0: ${deliveries}`);
  const perDelivery = (part: keyof OpTotals): Counts => {
    const result: Counts = {};
    for (const [key, n] of Object.entries(after[part])) {
      const diff = n - (before[part][key] ?? 0);
      if (diff !== 0) result[withoutPrefix(key, prefix)] = diff / deliveries;
    }
    return result;
  };
  const requests = perDelivery('requests');
  const isWrite = (key: string): boolean =>
    (WRITE_OPERATIONS as readonly string[]).includes(key.split(' ')[0]);
  const sum = (counts: Counts, keep: (key: string) => boolean): number =>
    Object.entries(counts)
      .filter(([key]) => keep(key))
      .reduce((total, [, n]) => total + n, 0);
  const writeUnits = perDelivery('writeUnits');
  return {
    deliveries,
    requests,
    items: perDelivery('items'),
    writeRequests: sum(requests, isWrite),
    readRequests: sum(requests, (key) => !isWrite(key)),
    writeUnits,
    // Index units are listed as `<table>/<index>` beside their table's; both are billed.
    totalWriteUnits: sum(writeUnits, () => true),
  };
}

function withoutPrefix(key: string, prefix: string): string {
  return key
    .split(' ')
    .map((part) => (part.startsWith(prefix) ? part.slice(prefix.length) : part))
    .join(' ');
}
