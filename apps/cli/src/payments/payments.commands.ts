import { createWriteStream, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { ulid } from 'ulid';
import type { LedgerEnv } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import {
  DEFAULT_RECONCILE_STATUSES,
  RECONCILABLE_STATUSES,
  parseAgeSeconds,
  type ReconcileItemResult,
  type ReconcileJobResult,
} from '@ledger/payments';
import type { ReplayJob } from '@ledger/replay';
import { loadCliConfig } from '../composition/cli-config';
import { assertKnownTenant } from '../composition/known-names';
import { composeCliReconcile } from '../composition/reconcile.root';
import { ReplayProgressBar } from '../replay/progress-bar';
import { onStopSignals } from '../replay/stop-signals';

interface ReconcileCliOptions {
  status?: string;
  olderThan?: string;
  tenant?: string;
  concurrency?: string;
  rate?: string;
  dryRun?: boolean;
  report?: string;
  resume?: string;
}

/** Exit codes: completed, failed, interrupted (128 + SIGINT, as shells report Ctrl-C). */
const EXIT = { completed: 0, running: 1, failed: 1, interrupted: 130 } as const;
/** The gateway client's bulkhead runs 10 calls at once; more would only queue or be refused. */
const MAX_CONCURRENCY = 10;

/** Adds `payments reconcile`: a bulk reconcile of unsettled payments. */
export function registerPaymentCommands(program: Command, env: () => LedgerEnv): void {
  const payments = program.command('payments').description('Work on payments in bulk');
  payments
    .command('reconcile')
    .description(
      'Ask the gateway about every selected payment that is not concluded (the same reconcile ' +
        'as POST /payments/{id}/reconcile), a few at a time and paced per tenant so that the run ' +
        'never opens a breaker itself. One JSON line per payment (to --report, else stdout), ' +
        'progress on stderr, the job with its summary as the last line of stdout. Ctrl-C stops ' +
        'after the payments in flight; --resume continues. Exit code 0 completed, 1 failed, ' +
        '130 interrupted.',
    )
    .option(
      '--status <list>',
      `statuses to select, comma-separated, of ${RECONCILABLE_STATUSES.join(', ')}`,
      DEFAULT_RECONCILE_STATUSES.join(','),
    )
    .option('--older-than <age>', 'only payments unchanged this long: 90s, 10m, 2h, 1d', '0s')
    .option('--tenant <id>', "only this tenant's payments (default: every tenant)")
    .option('--concurrency <n>', `payments asked at once, 1 to ${MAX_CONCURRENCY}`, '4')
    .option('--rate <n>', 'gateway calls per second and tenant (default 25)')
    .option('--dry-run', 'list what would be asked; ask the gateway nothing')
    .option('--report <file>', 'write the per-payment JSON lines to this file instead of stdout')
    .option('--resume <jobId>', 'continue an interrupted or failed reconcile job')
    .action(async (options: ReconcileCliOptions, command: Command) => {
      const settings = env();
      const config = await loadCliConfig(settings);
      assertKnownTenant(config, options.tenant);
      const report: WriteStream | undefined =
        options.report === undefined
          ? undefined
          : createWriteStream(options.report, { flags: 'a' });
      const write = (line: string): Promise<void> =>
        new Promise((resolve, reject) => {
          const out = report ?? process.stdout;
          out.write(`${line}\n`, (error) => (error ? reject(error) : resolve()));
        });
      const progress = new ReplayProgressBar({ label: 'reconcile', unit: 'payments' });
      const root = composeCliReconcile(settings, config, {
        onItem: (item: ReconcileItemResult) => write(JSON.stringify(item)),
        onProgress: (job) => progress.update(figures(job)),
      });
      try {
        const job =
          options.resume === undefined
            ? newJob(options)
            : await resumable(root.jobs, options.resume, command);
        if (options.resume === undefined) await root.jobs.create(job);
        const controller = new AbortController();
        const stopSignals = onStopSignals(() => {
          process.stderr.write('\nstopping after the payments in flight (Ctrl-C again to quit)\n');
          controller.abort();
        });
        let finished: ReplayJob;
        try {
          progress.start(figures(job));
          finished = await root.run(job, controller.signal);
        } finally {
          progress.stop();
          stopSignals();
        }
        const result = finished.result as ReconcileJobResult | undefined;
        const { items: _items, ...rest } = result ?? { items: [] };
        console.log(JSON.stringify({ ...finished, result: rest }));
        process.stderr.write(summaryLine(finished, result));
        if (finished.status !== 'completed') {
          process.stderr.write(
            `resume with: ledger payments reconcile --resume ${finished.replayId}\n`,
          );
        }
        process.exitCode = EXIT[finished.status];
      } finally {
        await new Promise<void>((resolve) => (report ? report.end(resolve) : resolve()));
        root.close();
      }
    });
}

function newJob(options: ReconcileCliOptions): ReplayJob {
  const statuses = (options.status ?? '').split(',').map((status) => status.trim());
  const unknown = statuses.filter(
    (status) => !(RECONCILABLE_STATUSES as readonly string[]).includes(status),
  );
  if (statuses.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--status takes ${RECONCILABLE_STATUSES.join(', ')} (the statuses not concluded); got ${unknown.join(', ') || 'nothing'}`,
    );
  }
  const olderThanSeconds = parseAgeSeconds(options.olderThan ?? '0');
  if (olderThanSeconds === undefined) {
    throw new UsageError('--older-than must be an age such as 90s, 10m, 2h or 1d');
  }
  const concurrency = Number(options.concurrency ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be an integer from 1 to ${MAX_CONCURRENCY}`);
  }
  const rate = options.rate === undefined ? undefined : Number(options.rate);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0 && rate <= 1000)) {
    throw new UsageError('--rate must be a number of calls per second in (0, 1000]');
  }
  const now = new Date();
  return {
    replayId: ulid(),
    kind: 'reconcile',
    scope: options.tenant === undefined ? {} : { tenantId: options.tenant },
    status: 'running',
    dryRun: options.dryRun === true,
    reconcile: {
      statuses,
      olderThanSeconds,
      updatedBefore: new Date(now.getTime() - olderThanSeconds * 1000).toISOString(),
      concurrency,
    },
    ...(rate !== undefined && { ratePerSecond: rate }),
    processed: 0,
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

async function resumable(
  jobs: { get(id: string): Promise<ReplayJob | undefined> },
  jobId: string,
  command: Command,
): Promise<ReplayJob> {
  // Options with defaults are always set; only what the operator typed counts as a change.
  const typed = (
    ['status', 'olderThan', 'tenant', 'concurrency', 'rate', 'dryRun'] as const
  ).filter((name) => command.getOptionValueSource(name) === 'cli');
  if (typed.length > 0) {
    throw new UsageError(
      `--resume keeps the job's own selection; drop ${typed.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`,
    );
  }
  const job = await jobs.get(jobId);
  if (job === undefined) throw new UsageError(`No job has the id ${jobId}`);
  if (job.kind !== 'reconcile') {
    throw new UsageError(`Job ${jobId} is a ${job.kind}, not a reconcile`);
  }
  if (job.status === 'completed') {
    throw new UsageError(`Reconcile ${jobId} already completed; there is nothing to resume`);
  }
  return job;
}

function figures(job: ReplayJob) {
  const summary = (job.result as Partial<ReconcileJobResult> | undefined)?.summary;
  const settled = Object.values(summary?.settled ?? {}).reduce((sum, n) => sum + n, 0);
  return {
    processed: job.processed,
    ...(job.total !== undefined && { total: job.total }),
    note: job.dryRun
      ? 'dry run'
      : `settled ${settled}, unknown ${summary?.unknown ?? 0}, errors ${summary?.errors ?? 0}`,
  };
}

/** One line for a person: what the run did, per outcome. */
function summaryLine(job: ReplayJob, result: ReconcileJobResult | undefined): string {
  const summary = result?.summary;
  const settled = Object.entries(summary?.settled ?? {})
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return (
    `reconcile ${job.replayId} ${job.status}: ${summary?.selected ?? 0} selected` +
    (job.dryRun
      ? ' (dry run: nothing asked)'
      : `, settled ${settled || 'none'}, still unknown ${summary?.unknown ?? 0}, ` +
        `skipped ${summary?.skipped ?? 0}, errors ${summary?.errors ?? 0}`) +
    (job.error === undefined ? '' : ` (${job.error})`) +
    '\n'
  );
}
