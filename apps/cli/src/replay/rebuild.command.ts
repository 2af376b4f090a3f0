import type { Command } from 'commander';
import { ulid } from 'ulid';
import type { LedgerEnv } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import {
  paymentViewRebuild,
  runRebuild,
  verifyReadModel,
  type ReplayJob,
  type ReplayJobs,
  type ReplayScope,
} from '@ledger/replay';
import { loadCliConfig } from '../composition/cli-config';
import { composeCli } from '../composition/cli.root';
import { assertKnownGeneration, assertKnownTenant } from '../composition/known-names';
import { ReplayProgressBar } from './progress-bar';
import { parseIsoOption } from './replay-options';

interface RebuildOptions {
  inPlace?: boolean;
  tenant?: string;
  payment?: string;
  from?: string;
  to?: string;
  dryRun?: boolean;
  resume?: string;
}

/** `ledger replay rebuild` and `ledger projections verify`. */
export function registerRebuildCommands(
  replay: Command,
  program: Command,
  env: () => LedgerEnv,
): void {
  replay
    .command('rebuild')
    .description(
      'Rebuild the payments read model from the event store. Default: blue/green (a new ' +
        'generation is built beside the live one, verified, then switched to atomically); ' +
        '--in-place for a tenant, a payment or a time range. Ctrl-C interrupts; --resume continues.',
    )
    .option('--in-place', 'overwrite the live documents instead of building a new generation')
    .option('--tenant <id>', 'only this tenant (in place)')
    .option('--payment <id>', 'only this payment (in place; needs --tenant)')
    .option('--from <iso>', 'only payments with events recorded at or after this time (in place)')
    .option('--to <iso>', 'only payments with events recorded before this time (in place)')
    .option('--dry-run', 'report what would be processed; write nothing')
    .option('--resume <replayId>', 'continue an interrupted rebuild from its checkpoint')
    .action(async (options: RebuildOptions) => {
      if (options.tenant !== undefined)
        assertKnownTenant(await loadCliConfig(env()), options.tenant);
      const cli = composeCli(env());
      const jobs = cli.replayJobs;
      const job =
        options.resume !== undefined
          ? await resumable(jobs, options.resume)
          : await create(jobs, options);
      const progress = new ReplayProgressBar({ label: `${job.kind} ${job.replayId}` });
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      try {
        progress.start(job);
        let finished: ReplayJob;
        try {
          finished = await runRebuild(
            {
              store: cli.eventStore,
              jobs,
              projection: paymentViewRebuild(
                // Read fresh every time: a one-off command has no readers to spare a read for.
                cli.projections.generations({ cacheMs: 0 }),
                cli.projections.documentsOf,
              ),
              // Every event in the bounds, payment or not: what the rebuild reads through.
              count: (scope) =>
                cli.eventStore.countAll({
                  from: scope.from,
                  to: scope.to,
                  tenantId: scope.tenantId,
                }),
            },
            job,
            { signal: controller.signal, onProgress: (running) => progress.update(running) },
          );
          progress.update(finished);
        } finally {
          progress.stop();
        }
        console.log(JSON.stringify(finished));
        if (finished.status === 'interrupted') {
          console.error(
            `interrupted; continue with: ledger replay rebuild --resume ${finished.replayId}`,
          );
          process.exitCode = 130;
        } else if (finished.status !== 'completed') {
          process.exitCode = 1;
        }
      } finally {
        cli.close();
      }
    });

  program
    .command('projections')
    .description('The payments read model')
    .command('verify')
    .description(
      'Fold every payment stream from the event store in memory and compare with the read model; ' +
        'exit 1 when they differ',
    )
    .option('--tenant <id>', 'only this tenant')
    .option('--generation <name>', 'a generation other than the live one')
    .action(async (options: { tenant?: string; generation?: string }) => {
      if (options.tenant !== undefined)
        assertKnownTenant(await loadCliConfig(env()), options.tenant);
      const cli = composeCli(env());
      try {
        const pointer = await cli.projections.generations({ cacheMs: 0 }).current();
        if (options.generation !== undefined) assertKnownGeneration(pointer, options.generation);
        const generation = options.generation ?? pointer.live;
        const result = await verifyReadModel(
          cli.eventStore,
          cli.projections.documentsOf(generation),
          { tenantId: options.tenant },
        );
        console.log(JSON.stringify({ generation, ...result }));
        console.error(
          result.identical
            ? `identical: ${result.payments} payments, ${result.events} events`
            : `DIFFERENT: ${result.differences.length} payment(s) differ`,
        );
        if (!result.identical) process.exitCode = 1;
      } finally {
        cli.close();
      }
    });
}

async function create(jobs: ReplayJobs, options: RebuildOptions): Promise<ReplayJob> {
  const scope: ReplayScope = {
    ...(options.tenant && { tenantId: options.tenant }),
    ...(options.payment && { paymentId: options.payment }),
    ...(options.from && { from: parseIsoOption('--from', options.from) }),
    ...(options.to && { to: parseIsoOption('--to', options.to) }),
  };
  const now = new Date().toISOString();
  const mode = options.inPlace ? 'in-place' : 'blue-green';
  const job: ReplayJob = {
    replayId: ulid(),
    kind: 'rebuild',
    scope,
    status: 'running',
    dryRun: options.dryRun === true,
    mode,
    ...(mode === 'blue-green' && { generation: `g${ulid().toLowerCase()}` }),
    processed: 0,
    startedAt: now,
    updatedAt: now,
  };
  await jobs.create(job);
  return job;
}

async function resumable(jobs: ReplayJobs, replayId: string): Promise<ReplayJob> {
  const job = await jobs.get(replayId);
  if (job === undefined || job.kind !== 'rebuild')
    throw new UsageError(`No rebuild ${replayId} was found`);
  if (job.status === 'completed') throw new UsageError(`Rebuild ${replayId} already completed`);
  return job;
}
