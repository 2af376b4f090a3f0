import type { LedgerStorage } from '@ledger/event-store/aws';

/** What every scenario gets from the runner: one warmed-up engine with the ledger tables. */
export interface BenchContext {
  storage: LedgerStorage;
  /** Where that engine listens and the tables' prefix, for scenarios that start processes. */
  engineEndpoint: string;
  tablePrefix: string;
  /** Short run: about a tenth of the ops, for checking the bench itself, not for figures. */
  quick: boolean;
  log(line: string): void;
}

/** One line of the results table: the median of several rounds of the same measurement. */
export interface ResultRow {
  scenario: string;
  label: string;
  inFlight: number;
  opsPerRound: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** ops/s of each round, in the order they ran, so the noise is visible. */
  roundsOpsPerSec: number[];
}

/** A headline figure, with the lower bound it is expected to reach when there is one. */
export interface Check {
  label: string;
  value: number;
  target?: number;
  /** Whether the target is a lower bound (the default) or an upper one. */
  bound?: 'min' | 'max';
  /** Undefined when there is no target. */
  met?: boolean;
}

export interface ScenarioResult {
  rows: ResultRow[];
  checks: Check[];
  /** How the figures were obtained (order, rounds, aggregation), printed with the table. */
  notes: string[];
  /** Anything else worth keeping in the JSON (item sizes, op counts, ...). */
  details?: Record<string, unknown>;
}

export interface Scenario {
  /** Selection key for `--only`. */
  name: string;
  summary: string;
  run(context: BenchContext): Promise<ScenarioResult>;
}

export function check(label: string, value: number, target?: number): Check {
  return { label, value, target, met: target === undefined ? undefined : value >= target };
}

/** A headline figure that should stay at or below `max`. */
export function checkAtMost(label: string, value: number, max: number): Check {
  return { label, value, target: max, bound: 'max', met: value <= max };
}
