import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Size of a chaos run: `ci` (the default, what `npm test` runs: a few minutes on a busy 2-core
 * machine) or `full` (`npm run test:chaos`, the figures in docs/reliability.md). CHAOS_SIZE picks.
 */
export type ChaosSize = 'ci' | 'full';

export function chaosSize(): ChaosSize {
  const size = process.env.CHAOS_SIZE ?? 'ci';
  if (size !== 'ci' && size !== 'full') {
    throw new RangeError(`CHAOS_SIZE must be "ci" or "full", not "${size}"`);
  }
  return size;
}

/** The figure for the current size. */
export function bySize<T>(sizes: Record<ChaosSize, T>): T {
  return sizes[chaosSize()];
}

/** Where each scenario leaves its figures as JSON (not committed). */
export const RESULTS_DIR = join(__dirname, '..', 'results');

/**
 * Prints a scenario's figures as one block on stdout (outside Jest's console capture, so they
 * show even when the test fails) and writes them to test/chaos/results/<scenario>.json.
 */
export function reportFigures(scenario: string, figures: Record<string, unknown>): void {
  const record = {
    scenario,
    size: chaosSize(),
    at: new Date().toISOString(),
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    ...figures,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${scenario}.json`), `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`\nCHAOS ${scenario}\n${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Polls `condition` until it holds; on a busy machine limits are generous and the wait is for a
 * state, never a fixed time. Throws naming `what` when it never holds.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 120_000, intervalMs = 200 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Resident memory (VmRSS) of a process in MiB, from /proc; undefined once it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Samples the RSS of the processes `pids()` names, keeping the peak of each role. */
export class PeakRss {
  private readonly peaks: Record<string, number> = {};
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  start(intervalMs = 250): this {
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  sample(): void {
    for (const [role, pid] of Object.entries(this.pids())) {
      const rss = pid === undefined ? undefined : rssMiB(pid);
      if (rss !== undefined) this.peaks[role] = Math.max(this.peaks[role] ?? 0, rss);
    }
  }

  /** Peak RSS per role in MiB, rounded. */
  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(Object.entries(this.peaks).map(([k, v]) => [k, Math.round(v)]));
  }
}

/** Counts of things by name, e.g. answers by status. */
export class Tally {
  readonly counts: Record<string, number> = {};

  add(name: string | number, by = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + by;
  }

  get(name: string | number): number {
    return this.counts[name] ?? 0;
  }
}
