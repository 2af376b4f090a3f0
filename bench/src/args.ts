import { UsageError } from '@ledger/errors';

/** The bench's wrong-usage error is the CLI's: one class. */
export { UsageError };

export interface BenchArgs {
  /** Scenario names to run; every registered scenario when empty. */
  only: string[];
  quick: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [--only <name>[,<name>...]] [--quick] [--help]
  --only   run only these scenarios (repeatable or comma-separated)
  --quick  about a tenth of the ops (and of the warm-up): checks the bench, figures are indicative`;

/** A few flags do not justify a CLI dependency; `--only x` and `--only=x` both work. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { only: [], quick: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]);
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--only': {
        const value = inline ?? argv[++i];
        if (value === undefined || value.startsWith('--')) {
          throw new UsageError('--only needs a scenario name');
        }
        args.only.push(...value.split(',').filter((name) => name.length > 0));
        break;
      }
      default:
        throw new UsageError(`Unknown argument: ${argv[i]}`);
    }
  }
  return args;
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}
