import type { Command } from 'commander';
import type { LedgerEnv } from '@ledger/config';
import type { Logger } from '@ledger/observability';
import { startLocalStack } from './local-stack';

export function registerStartCommand(
  program: Command,
  env: () => LedgerEnv,
  logger: () => Logger,
): void {
  program
    .command('start')
    .description(
      'Run the ledger locally: DynamoDB Local (unless DYNAMODB_ENDPOINT is set), the tables, ' +
        'the API and the stream processor. Ctrl-C stops all of it.',
    )
    .action(async () => {
      const log = logger();
      const stack = await startLocalStack(env(), log);
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string): void => {
          log.info({ signal }, 'stopping');
          void stack.stop().then(resolve);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
      log.info('stopped');
    });
}
