import { formatProgress, type ProgressBaseline } from '@ledger/replay';
import { Format, SingleBar, type Options, type Params } from 'cli-progress';

/** Where a replay stands. */
export interface ProgressFigures {
  processed: number;
  /** Events in scope; absent while unknown (no bar is drawn then). */
  total?: number;
  /** Shown after the figures, e.g. `delivered 12`. */
  note?: string;
}

export interface ReplayProgressBarOptions {
  /** Starts the line, e.g. `rebuild 01J...`. */
  label: string;
  /** Defaults to stderr, so stdout keeps only the JSON summary. */
  stream?: NodeJS.WriteStream;
  /** Without a terminal (CI logs), a plain line this often instead of a bar redrawn in place. */
  plainEveryMs?: number;
  /** What is counted; default `events`. */
  unit?: string;
}

interface Payload {
  figures: ProgressFigures;
}

/**
 * A replay's progress on cli-progress: one bar redrawn in place on a terminal, a plain line every
 * few seconds otherwise. The rate is this run's, so a resume does not count earlier runs.
 */
export class ReplayProgressBar {
  private readonly bar: SingleBar;
  private baseline?: ProgressBaseline;

  constructor(private readonly options: ReplayProgressBarOptions) {
    const stream = options.stream ?? process.stderr;
    const tty = stream.isTTY === true;
    this.bar = new SingleBar({
      stream,
      format: (barOptions: Options, params: Params, payload: Payload) =>
        this.line(barOptions, params, payload.figures),
      barsize: 20,
      barCompleteChar: '#',
      barIncompleteChar: '.',
      fps: 10,
      noTTYOutput: true,
      notTTYSchedule: options.plainEveryMs ?? 5_000,
      // Off a terminal every line already ends in a newline; on one the last bar stays.
      clearOnComplete: !tty,
    });
  }

  /** Draws the first line; `figures` are what the job had done before this run. */
  start(figures: ProgressFigures): void {
    this.baseline = { at: new Date(), processed: figures.processed };
    this.bar.start(figures.total ?? 0, figures.processed, { figures });
  }

  update(figures: ProgressFigures): void {
    if (figures.total !== undefined) this.bar.setTotal(figures.total);
    this.bar.update(figures.processed, { figures });
  }

  /** Draws the last line and ends the redraw timer. */
  stop(): void {
    this.bar.stop();
  }

  private line(barOptions: Options, params: Params, figures: ProgressFigures): string {
    const text = formatProgress(
      { ...figures, startedAt: this.baseline?.at.toISOString() ?? new Date().toISOString() },
      new Date(),
      this.baseline,
      this.options.unit,
    );
    const note = figures.note === undefined ? '' : `, ${figures.note}`;
    if (figures.total === undefined || figures.total === 0) {
      return `${this.options.label} ${text}${note}`;
    }
    const percent = Math.floor(params.progress * 100);
    const bar = Format.BarFormat(params.progress, barOptions);
    return `${this.options.label} [${bar}] ${percent}% ${text}${note}`;
  }
}
