import type { Command } from 'commander';
import { parseEventPattern } from '@ledger/bus';
import { redriveDeadLetters } from '@ledger/bus/aws';
import type { LedgerEnv } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import { composeCli } from '../composition/cli.root';

export function registerEventCommands(program: Command, env: () => LedgerEnv): void {
  const events = program.command('events').description('Integration events on the bus');

  events
    .command('tail')
    .description(
      'Print integration events live as the local bus accepts them, one JSON object per line ' +
        '(the local bus of `ledger start`; in AWS, tail the archive or a log target instead)',
    )
    .option(
      '--pattern <json>',
      'an EventBridge event pattern, e.g. \'{"detail-type":["payment.succeeded"]}\'',
    )
    .action(async (options: { pattern?: string }) => {
      // Checked here first, so a typo is reported at once rather than by the bus.
      if (options.pattern !== undefined) parseEventPattern(options.pattern);
      const settings = env();
      const url = new URL(`http://127.0.0.1:${settings.localBusPort}/_tail`);
      if (options.pattern !== undefined) url.searchParams.set('pattern', options.pattern);
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const response = await fetch(url, { signal: controller.signal }).catch((error: unknown) => {
        throw new UsageError(
          `Cannot reach the local bus on LOCAL_BUS_PORT ${settings.localBusPort}: ${(error as Error).message}`,
          { cause: error },
        );
      });
      if (!response.ok || response.body === null) {
        throw new UsageError(`The local bus refused the tail: HTTP ${response.status}`);
      }
      console.error(`tailing ${url.origin}${options.pattern ? ` for ${options.pattern}` : ''}`);
      let buffer = '';
      try {
        for await (const chunk of response.body) {
          buffer += Buffer.from(chunk).toString('utf8');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.startsWith('data: ')) console.log(frame.slice(6));
          }
        }
      } catch (error) {
        if (!controller.signal.aborted) throw error;
      }
    });

  const deadLetters = program
    .command('dead-letters')
    .description('Integration events the publisher could not get onto the bus');

  deadLetters
    .command('list')
    .description('List them, oldest first, one JSON object per line')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (options: { limit: string }) => {
      const cli = composeCli(env());
      try {
        const letters = await cli.deadLetters().list(Number(options.limit));
        for (const letter of letters) {
          const { entry: _entry, ...summary } = letter;
          console.log(JSON.stringify(summary));
        }
        console.error(`${letters.length} dead letter(s)`);
      } finally {
        cli.close();
      }
    });

  deadLetters
    .command('redrive')
    .description('Put them on the bus again; the accepted ones leave the store')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (options: { limit: string }) => {
      const cli = composeCli(env());
      try {
        const result = await redriveDeadLetters(
          cli.deadLetters(),
          cli.eventBridge(),
          Number(options.limit),
        );
        console.log(JSON.stringify(result));
        if (result.stillFailing.length > 0) process.exitCode = 2;
      } finally {
        cli.close();
      }
    });
}
