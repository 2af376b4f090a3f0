import { Command } from 'commander';
import { readLedgerEnv, type LedgerEnv } from '@ledger/config';
import { describeFailure, StoreUnavailableError } from '@ledger/errors';
import { createLogger } from '@ledger/observability';
import { cliStorageEndpoint } from './composition/cli.root';
import { registerConsumerCommands } from './consumers/consumer.commands';
import { registerEventCommands } from './events/events.commands';
import { registerPaymentCommands } from './payments/payments.commands';
import { registerRebuildCommands } from './replay/rebuild.command';
import { registerReplayConsumerCommand } from './replay/replay-consumer.command';
import { registerRepublishCommand } from './replay/republish.command';
import { registerStartCommand } from './start/start.command';
import { registerWebhookCommands } from './webhooks/webhooks.commands';
import { quietSdkNodeVersionNotice } from './node-support';

// Before any command makes an AWS SDK client (`ledger start` makes its clients in this process).
quietSdkNodeVersionNotice();

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
  registerWebhookCommands(program, env);
  registerPaymentCommands(program, env);
  const replay = program.command('replay').description('Rebuild projections or re-deliver events');
  registerRebuildCommands(replay, program, env);
  registerRepublishCommand(replay, env, logger);
  registerReplayConsumerCommand(replay, env, logger);
  return program;
}

/** A failed command exits 1, used wrongly or hitting a bug alike (as commander's own errors do). */
const FAILED = 1;

/**
 * Prints a failure no command handled and returns the exit code. An error raised on purpose (a
 * LedgerError: a UsageError, a bad configuration, an unreachable store...) is one line; anything
 * else is a bug, printed with its stack (and causes) so that it can be found and fixed.
 */
export function reportCliFailure(
  error: unknown,
  print: (text: string) => void = (text) => console.error(text),
): number {
  const failure = describeFailure(error);
  print(
    failure.expected
      ? `ledger: ${failure.text}`
      : `ledger: unexpected error (a bug: please report it with what follows)\n${failure.text}`,
  );
  return FAILED;
}

/**
 * An unreachable event store, said with the endpoint the CLI tried and what usually fixes it:
 * locally, the stack `npm start` runs is not up (or runs on other ports).
 */
export function explainUnreachableStore(
  error: StoreUnavailableError,
  env: LedgerEnv,
): StoreUnavailableError {
  const endpoint = cliStorageEndpoint(env);
  const where =
    endpoint === undefined
      ? 'DynamoDB in AWS (DYNAMODB_ENDPOINT=aws): check the region and credentials'
      : env.dynamoDbEndpoint === undefined
        ? `${endpoint} (the DynamoDB Local of the local stack, DYNAMODB_LOCAL_PORT ` +
          `${env.dynamoDbLocalPort}): is it running? Start it with \`npm start\` (or \`npx ledger ` +
          'start`), or set DYNAMODB_ENDPOINT'
        : `${endpoint} (DYNAMODB_ENDPOINT): is that engine running?`;
  return new StoreUnavailableError(`The event store is unreachable at ${where}`, { cause: error });
}

/** Runs the CLI (`program` is there for tests); a failure is reported by `reportCliFailure`. */
export async function runCli(argv: string[], program: Command = buildProgram()): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = reportCliFailure(
      // The command read the environment already, so it reads again here without failing.
      error instanceof StoreUnavailableError
        ? explainUnreachableStore(error, readLedgerEnv())
        : error,
    );
  }
}

if (require.main === module) void runCli(process.argv);
