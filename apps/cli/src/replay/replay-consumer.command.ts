import type { Command } from 'commander';
import type { LedgerEnv } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import type { Logger } from '@ledger/observability';
import { replayToConsumer } from '@ledger/stream-consumer';
import { CONSUMER_ROOTS } from '@ledger/stream-processor-app';
import { loadCliConfig } from '../composition/cli-config';
import { composeCli } from '../composition/cli.root';
import { assertKnownConsumer, assertKnownTenant } from '../composition/known-names';
import { parseIsoOption } from './replay-options';

/**
 * Adds `consumer` under `replay`: hands a time range of the event store to one stream consumer,
 * in this process (what recovers a batch the stream trimmed before it was redriven).
 */
export function registerReplayConsumerCommand(
  replay: Command,
  env: () => LedgerEnv,
  logger: () => Logger,
): void {
  replay
    .command('consumer <name>')
    .description(
      `Hand every event recorded in [--from, --to) to one stream consumer (${Object.keys(CONSUMER_ROOTS).join(', ')}), ` +
        'in order, run in this process; consumers are idempotent, so events already handled do no ' +
        'harm. A JSON summary on stdout; exit code 2 when some failed (their later events are skipped).',
    )
    .requiredOption('--from <iso>', 'events recorded at or after this instant (ISO-8601)')
    .requiredOption('--to <iso>', 'events recorded before this instant (ISO-8601)')
    .option('--tenant <id>', "only this tenant's events")
    .action(async (name: string, options: { from: string; to: string; tenant?: string }) => {
      const from = parseIsoOption('--from', options.from);
      const to = parseIsoOption('--to', options.to);
      if (from >= to) throw new UsageError('--from must be before --to');
      assertKnownConsumer(name);
      if (options.tenant !== undefined)
        assertKnownTenant(await loadCliConfig(env()), options.tenant);
      const cli = composeCli(env());
      try {
        const consumer = await cli.consumer(name, logger());
        if (consumer === undefined) throw new UsageError(`No consumer is named "${name}"`);
        const result = await replayToConsumer(cli.eventStore, consumer, {
          from,
          to,
          ...(options.tenant !== undefined && { tenantId: options.tenant }),
        });
        console.log(JSON.stringify({ consumer: name, from, to, ...result }));
        if (result.failed.length > 0) process.exitCode = 2;
      } finally {
        cli.close();
      }
    });
}
