import { captureCliErrors } from '../testing/capture-cli-errors';
import { runCli } from '../main';

// The committed ledger.config.yaml (tenants acme and globex) is the configuration read here; every
// check runs before the CLI opens its storage, so no engine is needed.
describe('the ledger CLI, given a name it does not know', () => {
  const stderr = captureCliErrors();

  describe.each(
    (
      [
        [
          ['consumers', 'parked', 'nope'],
          /^ledger: No consumer is named "nope"; known consumers: .*projector/,
        ],
        [
          ['consumers', 'redrive', 'nope'],
          /^ledger: No consumer is named "nope"; known consumers: .*correlator/,
        ],
        [
          [
            'replay',
            'consumer',
            'nope',
            '--from',
            '2026-01-01T00:00:00Z',
            '--to',
            '2026-01-02T00:00:00Z',
          ],
          /^ledger: No consumer is named "nope"; known consumers: /,
        ],
        [
          ['replay', 'rebuild', '--in-place', '--tenant', 'nope'],
          /^ledger: No tenant is named "nope"; known tenants: acme, globex$/,
        ],
        [
          ['projections', 'verify', '--tenant', 'nope'],
          /^ledger: No tenant is named "nope"; known tenants: acme, globex$/,
        ],
        [
          [
            'replay',
            'republish',
            '--rule',
            'PaymentReceiptsFunction.PaymentOutcomes',
            '--tenant',
            'nope',
          ],
          /^ledger: No tenant is named "nope"; known tenants: acme, globex$/,
        ],
        [
          ['replay', 'republish', '--rule', 'Nope', '--dry-run'],
          /^ledger: No rule is named "Nope"; known rules: .*PaymentReceiptsFunction\.PaymentOutcomes/,
        ],
      ] as [string[], RegExp][]
    ).map(([args, message]) => ({ command: args.join(' '), args, message })),
  )('when `ledger $command` names it', ({ args, message }) => {
    it('fails, listing the known ones', async () => {
      await runCli(['node', 'ledger', ...args]);

      expect(stderr.printed).toEqual([expect.stringMatching(message)]);
      expect(process.exitCode).toBe(1);
    });
  });
});
