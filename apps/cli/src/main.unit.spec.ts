import { captureCliErrors } from './testing/capture-cli-errors';
import { Command } from 'commander';
import { UsageError } from '@ledger/errors';
import { parseIsoOption } from './replay/replay-options';
import { runCli } from './main';

describe('the ledger CLI', () => {
  const stderr = captureCliErrors();

  describe('when a command is used wrongly', () => {
    it('prints one line naming the mistake and exits 1', async () => {
      await runCli(['node', 'ledger', 'replay', 'republish', '--rule', 'Any.Rule', '--rate', '0']);

      expect(stderr.printed).toEqual([expect.stringMatching(/^ledger: --rate must be a number/)]);
      expect(stderr.printed[0]).not.toContain('\n');
      expect(process.exitCode).toBe(1);
    });

    it('raises a UsageError for an option it cannot read', () => {
      const act = () => parseIsoOption('--from', 'last tuesday');

      expect(act).toThrow(UsageError);
      expect(act).toThrow('--from must be an ISO-8601 time, got "last tuesday"');
    });
  });

  describe('when a command hits a bug', () => {
    it('prints the error with its stack, not as a user error, and exits 1', async () => {
      const program = new Command('ledger');
      program.command('planted').action(() => {
        // A real bug of the kind a usage error once hid: formatting an invalid date.
        new Date(Number.NaN).toISOString();
      });

      await runCli(['node', 'ledger', 'planted'], program);

      expect(stderr.printed).toHaveLength(1);
      expect(stderr.printed[0]).toContain('unexpected error');
      expect(stderr.printed[0]).toContain('RangeError: Invalid time value');
      expect(stderr.printed[0]).toMatch(/\n\s+at .*main\.unit\.spec\.ts/);
      expect(process.exitCode).toBe(1);
    });
  });
});

describe('the ledger CLI, when the event store is unreachable', () => {
  const stderr = captureCliErrors();
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('names the endpoint it tried and suggests starting the local stack', async () => {
    delete process.env.DYNAMODB_ENDPOINT;
    process.env.DYNAMODB_LOCAL_PORT = '1'; // nothing listens there

    await runCli(['node', 'ledger', 'consumers', 'parked', 'projector']);

    expect(stderr.printed).toEqual([
      expect.stringMatching(
        /^ledger: The event store is unreachable at http:\/\/127\.0\.0\.1:1 .*DYNAMODB_LOCAL_PORT 1.*`npm start`/,
      ),
    ]);
    expect(process.exitCode).toBe(1);
  });
});
