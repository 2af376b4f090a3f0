import type { ReplayJob } from './replay-job';

/** One line of progress: done/total, rate and ETA from the job's own timestamps. */
export function formatProgress(job: ReplayJob, now: Date = new Date()): string {
  const elapsedSeconds = Math.max((now.getTime() - Date.parse(job.startedAt)) / 1000, 0.001);
  const rate = job.processed / elapsedSeconds;
  const total = job.total;
  const share = total !== undefined && total > 0 ? Math.min(job.processed / total, 1) : undefined;
  const bar =
    share === undefined
      ? ''
      : `[${'#'.repeat(Math.round(share * 20)).padEnd(20, '.')}] ${(share * 100).toFixed(0)}% `;
  const eta =
    total !== undefined && rate > 0 && job.processed < total
      ? ` ETA ${formatSeconds((total - job.processed) / rate)}`
      : '';
  return `${job.kind} ${bar}${job.processed}${total === undefined ? '' : `/${total}`} events, ${rate.toFixed(0)}/s${eta}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}

/**
 * Prints progress to a stream: one line rewritten in place on a terminal, a new line every few
 * seconds otherwise (logs, CI).
 */
export class ProgressPrinter {
  private lastPrinted = 0;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = 2000,
  ) {}

  update(job: ReplayJob): void {
    const now = Date.now();
    if (this.out.isTTY) {
      this.out.write(`\r${formatProgress(job)}\x1b[K`);
    } else if (now - this.lastPrinted >= this.everyMs) {
      this.out.write(`${formatProgress(job)}\n`);
      this.lastPrinted = now;
    }
  }

  done(job: ReplayJob): void {
    const line = formatProgress(job);
    this.out.write(this.out.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
