import type { Command } from 'commander';
import type { LedgerEnv } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import type { Logger } from '@ledger/observability';
import { redriveParked } from '@ledger/stream-consumer';
import { composeCli } from '../composition/cli.root';
import { assertKnownConsumer } from '../composition/known-names';
import { registerRedriveFailuresCommand } from './redrive-failures.command';

export function registerConsumerCommands(
  program: Command,
  env: () => LedgerEnv,
  logger: () => Logger,
): void {
  const consumers = program
    .command('consumers')
    .description(
      'Stream consumers: records parked after repeated failures, batches their functions gave up on',
    );

  consumers
    .command('parked <consumer>')
    .description('List the records a consumer parked, one JSON object per line')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (name: string, options: { limit: string }) => {
      assertKnownConsumer(name);
      const cli = composeCli(env());
      try {
        const parked = await cli.parkingLot.list(name, Number(options.limit));
        for (const record of parked) {
          console.log(
            JSON.stringify({
              consumer: record.consumer,
              streamId: record.event.streamId,
              version: record.event.version,
              eventId: record.event.eventId,
              type: record.event.type,
              attempts: record.attempts,
              parkedAt: record.parkedAt,
              error: record.error,
            }),
          );
        }
        console.error(`${parked.length} parked record(s) for ${name}`);
      } finally {
        cli.close();
      }
    });

  consumers
    .command('redrive <consumer>')
    .description("Hand a consumer's parked records to it again; handled ones leave the parking lot")
    .option('--limit <n>', 'at most this many', '100')
    .action(async (name: string, options: { limit: string }) => {
      assertKnownConsumer(name);
      const cli = composeCli(env());
      try {
        const consumer = await cli.consumer(name, logger());
        if (consumer === undefined) throw new UsageError(`No consumer is named "${name}"`);
        const result = await redriveParked(
          consumer,
          cli.parkingLot,
          Number(options.limit),
          cli.upcasters,
        );
        console.log(
          JSON.stringify({
            redriven: result.redriven,
            stillFailing: result.stillFailing.map((f) => ({
              eventId: f.record.event.eventId,
              error: f.error,
            })),
          }),
        );
        if (result.stillFailing.length > 0) process.exitCode = 2;
      } finally {
        cli.close();
      }
    });

  registerRedriveFailuresCommand(consumers, env);
}
