import { Command } from 'commander';
import { ConfigError, readLedgerEnv } from '@ledger/config';
import { LedgerError } from '@ledger/errors';
import { createLogger } from '@ledger/observability';
import { registerConsumerCommands } from './consumers/consumer.commands';
import { registerEventCommands } from './events/events.commands';
import { registerRebuildCommands } from './replay/rebuild.command';
import { registerRepublishCommand } from './replay/republish.command';
import { registerStartCommand } from './start/start.command';

/** `ledger <command>`: every operator task, with `--help` on each. */
export function buildProgram(): Command {
  const program = new Command('ledger')
    .description('Integration Ledger: run it locally and operate it')
    .showHelpAfterError();
  const env = () => readLedgerEnv();
  const logger = () => createLogger(readLedgerEnv().logLevel);
  registerStartCommand(program, env, logger);
  registerConsumerCommands(program, env, logger);
  registerEventCommands(program, env);
  const replay = program.command('replay').description('Rebuild projections or re-deliver events');
  registerRebuildCommands(replay, program, env);
  registerRepublishCommand(replay, env, logger);
  return program;
}

/** Runs the CLI; known failures print one line and set exit code 1. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const known =
      error instanceof LedgerError || error instanceof ConfigError || error instanceof RangeError;
    console.error(known ? `ledger: ${error.message}` : error);
    process.exitCode = 1;
  }
}

if (require.main === module) void runCli(process.argv);
