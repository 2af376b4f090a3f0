import type { Command } from 'commander';
import { ulid } from 'ulid';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ledgerTemplateRules } from '@ledger/bus';
import { createEventBridgeClient } from '@ledger/bus/aws';
import type { LedgerEnv } from '@ledger/config';
import { UsageError, ValidationFailedError } from '@ledger/errors';
import type { Logger } from '@ledger/observability';
import {
  LocalBusReplayDelivery,
  MAX_REPUBLISH_RATE,
  newRepublishJob,
  republish,
  ruleSelector,
  type ReplayDelivery,
  type ReplayJob,
  type ReplayJobs,
  type RepublishProgress,
} from '@ledger/replay';
import { awsReplayDelivery } from '@ledger/replay/aws';
import { loadCliConfig } from '../composition/cli-config';
import { composeCli } from '../composition/cli.root';
import { assertKnownTenant } from '../composition/known-names';
import { ReplayProgressBar, type ProgressFigures } from './progress-bar';
import { onStopSignals } from './stop-signals';

interface RepublishCliOptions {
  rule?: string;
  from?: string;
  to?: string;
  tenant?: string;
  payment?: string;
  types?: string;
  rate?: string;
  dryRun?: boolean;
  resume?: string;
}

/** Exit codes: completed, failed, interrupted (128 + SIGINT, as shells report Ctrl-C). */
const EXIT = { completed: 0, failed: 1, interrupted: 130 } as const;

/** Adds `republish` under `replay`: re-delivers integration events to one rule's target. */
export function registerRepublishCommand(
  parent: Command,
  env: () => LedgerEnv,
  logger: () => Logger,
): void {
  parent
    .command('republish')
    .description(
      'Send past integration events again, marked replay: true, to the target of ONE rule only ' +
        '(other subscribers see nothing), at a bounded rate. Progress goes to stderr, a JSON ' +
        'summary to stdout. Ctrl-C stops after the event in flight; --resume continues from the ' +
        'checkpoint. Exit code 0 completed, 1 failed, 130 interrupted.',
    )
    .option('--rule <name>', 'the rule to deliver to, e.g. PaymentReceiptsFunction.PaymentOutcomes')
    .option('--from <iso>', 'events recorded at or after this instant (ISO-8601)')
    .option('--to <iso>', 'events recorded before this instant (ISO-8601; default now)')
    .option('--tenant <id>', "only this tenant's payments")
    .option('--payment <id>', 'only this payment (needs --tenant)')
    .option('--types <list>', 'only these detail-types, comma-separated, e.g. payment.succeeded')
    .option('--rate <n>', 'at most this many events per second (default 50)')
    .option('--dry-run', 'deliver nothing; count what would be delivered, by detail-type')
    .option(
      '--resume <replayId>',
      'continue an interrupted or failed republish from its checkpoint',
    )
    .action(async (options: RepublishCliOptions) => {
      const settings = env();
      const rules = ledgerTemplateRules();
      if (options.tenant !== undefined) {
        assertKnownTenant(await loadCliConfig(settings), options.tenant);
      }
      const cli = composeCli(settings);
      const jobs = cli.replayJobs;
      try {
        const rate = rateOf(options.rate);
        const job =
          options.resume === undefined
            ? newJob(options, rate)
            : await resumableJob(jobs, options.resume, options);
        const target = job.target ?? '';
        const selects = ruleSelector(rules, target);
        const delivery = await replayDelivery(settings, job.dryRun);
        if (options.resume === undefined) await jobs.create(job);

        const controller = new AbortController();
        const stopSignals = onStopSignals(() => {
          process.stderr.write('\nstopping after the event in flight (Ctrl-C again to quit)\n');
          controller.abort();
        });
        const progress = new ReplayProgressBar({ label: `${job.kind} ${job.replayId}` });
        const figures = (p: RepublishProgress): ProgressFigures => ({
          processed: p.processed,
          total: p.total,
          note: `${job.dryRun ? 'would deliver' : 'delivered'} ${p.delivered}`,
        });
        let finished: ReplayJob;
        try {
          progress.start({ processed: job.processed, total: job.total });
          finished = await republish({
            store: cli.eventStore,
            delivery,
            jobs,
            job,
            ratePerSecond: rate,
            selects,
            onProgress: (p) => progress.update(figures(p)),
            signal: controller.signal,
          });
        } finally {
          progress.stop();
          stopSignals();
        }

        console.log(JSON.stringify(finished));
        const status = finished.status === 'running' ? 'failed' : finished.status;
        if (status !== 'completed') {
          process.stderr.write(
            `republish ${finished.replayId} ${status}` +
              (finished.error === undefined ? '' : `: ${finished.error}`) +
              `\nresume with: ledger replay republish --resume ${finished.replayId}\n`,
          );
          if (finished.error !== undefined) {
            logger().debug(
              { replayId: finished.replayId, error: finished.error },
              'republish failed',
            );
          }
        }
        process.exitCode = EXIT[status];
      } catch (error) {
        // The CLI prints a usage error's message only: put the individual problems in it.
        if (error instanceof ValidationFailedError) {
          throw new UsageError(`${error.message}: ${error.errors.join('; ')}`, { cause: error });
        }
        throw error;
      } finally {
        cli.close();
      }
    });
}

function newJob(options: RepublishCliOptions, rate: number | undefined): ReplayJob {
  if (options.rule === undefined) {
    throw new UsageError('--rule is required (or --resume <replayId> to continue a republish)');
  }
  return newRepublishJob(
    {
      rule: options.rule,
      from: options.from,
      to: options.to,
      tenantId: options.tenant,
      paymentId: options.payment,
      detailTypes: options.types?.split(',').map((type) => type.trim()),
      ratePerSecond: rate,
      dryRun: options.dryRun === true,
    },
    { replayId: ulid(), now: new Date() },
  );
}

async function resumableJob(
  jobs: ReplayJobs,
  replayId: string,
  options: RepublishCliOptions,
): Promise<ReplayJob> {
  const scoped = (['rule', 'from', 'to', 'tenant', 'payment', 'types', 'dryRun'] as const).filter(
    (name) => options[name] !== undefined,
  );
  if (scoped.length > 0) {
    throw new UsageError(
      `--resume keeps the job's own scope; drop ${scoped.map(flagOf).join(', ')} (only --rate may change)`,
    );
  }
  const job = await jobs.get(replayId);
  if (job === undefined) throw new UsageError(`No replay has the id ${replayId}`);
  if (job.kind !== 'republish') {
    throw new UsageError(`Replay ${replayId} is a ${job.kind}, not a republish`);
  }
  if (job.status === 'completed') {
    throw new UsageError(`Replay ${replayId} already completed; there is nothing to resume`);
  }
  if (job.status === 'running') {
    // A crash leaves the mark behind; so does a run still going in another terminal.
    process.stderr.write(
      `replay ${replayId} is still marked running (a crashed run?); resuming from its last ` +
        'checkpoint. Make sure no other run of it is active.\n',
    );
  }
  return job;
}

function flagOf(name: string): string {
  return name === 'dryRun' ? '--dry-run' : `--${name}`;
}

function rateOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const rate = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_REPUBLISH_RATE) {
    throw new UsageError(
      `--rate must be a number of events per second in (0, ${MAX_REPUBLISH_RATE}]`,
    );
  }
  return rate;
}

/**
 * Where re-delivered events go. With EVENTBRIDGE_ENDPOINT=aws, the rule's target functions are
 * invoked directly (the rule is looked up as deployed: LEDGER_RULE_ARNS, the stack's output); otherwise the bus that
 * `ledger start` runs (or EVENTBRIDGE_ENDPOINT, when that is another local bus), checked to be up.
 */
async function replayDelivery(env: LedgerEnv, dryRun: boolean): Promise<ReplayDelivery> {
  if (env.eventBridgeEndpoint === 'aws') {
    if (env.ruleArns === undefined) {
      throw new UsageError(
        "republish in AWS needs LEDGER_RULE_ARNS: the stack's LedgerRuleArns output (docs/deploy.md)",
      );
    }
    return awsReplayDelivery({
      eventBridge: createEventBridgeClient(),
      lambda: new LambdaClient({}),
      ruleArns: env.ruleArns,
    });
  }
  const url = env.eventBridgeEndpoint ?? `http://127.0.0.1:${env.localBusPort}`;
  if (!dryRun) await assertBusReachable(url, env);
  return new LocalBusReplayDelivery(url);
}

// Checked before a job is recorded, so a stopped stack does not leave a failed job behind.
async function assertBusReachable(url: string, env: LedgerEnv): Promise<void> {
  const response = await fetch(`${url}/_control/stats`).catch((error: unknown) => {
    throw new UsageError(
      `Cannot reach the local bus at ${url} (LOCAL_BUS_PORT ${env.localBusPort}); is \`ledger start\` ` +
        `running? ${(error as Error).message}`,
      { cause: error },
    );
  });
  await response.body?.cancel();
  if (!response.ok) throw new UsageError(`${url} does not answer as the local bus does`);
}
