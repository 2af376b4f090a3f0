import type { ReplayJob } from './replay-job';

/** Where the rate is counted from: this run's start, so a resume does not count earlier runs. */
export interface ProgressBaseline {
  at: Date;
  processed: number;
}

/**
 * One line of progress: done/total, rate and ETA. The rate counts from `baseline` (by default the
 * job's own start, i.e. a run that was not resumed).
 */
export function formatProgress(
  job: ReplayJob,
  now: Date = new Date(),
  baseline: ProgressBaseline = { at: new Date(job.startedAt), processed: 0 },
): string {
  const elapsedSeconds = Math.max((now.getTime() - baseline.at.getTime()) / 1000, 0.001);
  const rate = (job.processed - baseline.processed) / elapsedSeconds;
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
  private baseline?: ProgressBaseline;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = 2000,
  ) {}

  /** Call with the job as the run starts (a resumed job carries what earlier runs did). */
  start(job: ReplayJob): void {
    this.baseline = { at: new Date(), processed: job.processed };
  }

  update(job: ReplayJob): void {
    const now = Date.now();
    if (this.out.isTTY) {
      this.out.write(`\r${formatProgress(job, new Date(), this.baseline)}\x1b[K`);
    } else if (now - this.lastPrinted >= this.everyMs) {
      this.out.write(`${formatProgress(job, new Date(), this.baseline)}\n`);
      this.lastPrinted = now;
    }
  }

  done(job: ReplayJob): void {
    const line = formatProgress(job, new Date(), this.baseline);
    this.out.write(this.out.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
