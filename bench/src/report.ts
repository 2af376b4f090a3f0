import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Check, ResultRow, ScenarioResult } from './scenario';
import type { WarmUpResult } from './warm-up';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  environment: { node: string; platform: string; cpus: number; engine: string };
  warmUp: WarmUpResult;
  scenarios: Array<{ name: string; summary: string } & ScenarioResult>;
}

const HEADERS = ['scenario', 'in flight', 'ops/s', 'p50 ms', 'p99 ms', 'rounds ops/s'];
const RIGHT_ALIGNED = new Set([1, 2, 3, 4]);

export function formatTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((row) => [
    `${row.scenario} ${row.label}`,
    String(row.inFlight),
    String(Math.round(row.opsPerSec)),
    row.p50Ms.toFixed(2),
    row.p99Ms.toFixed(2),
    row.roundsOpsPerSec.join(' / '),
  ]);
  const widths = HEADERS.map((header, col) =>
    Math.max(header.length, ...cells.map((line) => line[col].length)),
  );
  const format = (line: readonly string[]): string =>
    line
      .map((cell, col) =>
        RIGHT_ALIGNED.has(col) ? cell.padStart(widths[col]) : cell.padEnd(widths[col]),
      )
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [format(HEADERS), rule, ...cells.map(format)].join('\n');
}

export function formatCheck(item: Check): string {
  const value = item.value.toFixed(2);
  if (item.target === undefined) return `${item.label} = ${value}`;
  const relation = item.bound === 'max' ? '<=' : '>=';
  const line = `${item.label} = ${value} (target ${relation} ${item.target.toFixed(2)})`;
  return item.met === true ? line : `WARN: ${line} — target missed`;
}

export async function writeReport(path: string, report: BenchReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
