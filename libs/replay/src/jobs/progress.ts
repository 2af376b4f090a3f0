import type { ReplayJob } from './replay-job';

/** Where the rate is counted from: this run's start, so a resume does not count earlier runs. */
export interface ProgressBaseline {
  at: Date;
  processed: number;
}

/**
 * A replay's figures as one line of text: done/total, rate and ETA. The rate counts from
 * `baseline` (by default the job's own start, i.e. a run that was not resumed). The CLI draws it
 * beside a progress bar.
 */
export function formatProgress(
  job: Pick<ReplayJob, 'processed' | 'total' | 'startedAt'>,
  now: Date = new Date(),
  baseline: ProgressBaseline = { at: new Date(job.startedAt), processed: 0 },
  /** What is counted: events (a replay), payments (a bulk reconcile). */
  unit = 'events',
): string {
  const elapsedSeconds = Math.max((now.getTime() - baseline.at.getTime()) / 1000, 0.001);
  const rate = (job.processed - baseline.processed) / elapsedSeconds;
  const total = job.total;
  const eta =
    total !== undefined && rate > 0 && job.processed < total
      ? ` ETA ${formatSeconds((total - job.processed) / rate)}`
      : '';
  return `${job.processed}${total === undefined ? '' : `/${total}`} ${unit}, ${rate.toFixed(0)}/s${eta}`;
}

function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
