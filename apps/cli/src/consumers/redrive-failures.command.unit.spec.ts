import { captureCliErrors } from '../testing/capture-cli-errors';
import { runCli } from '../main';

describe('ledger consumers redrive-failures and ledger replay consumer', () => {
  const stderr = captureCliErrors();

  describe('when redrive-failures is given no queue', () => {
    it('names the stack output to take it from, and exits 1', async () => {
      await runCli(['node', 'ledger', 'consumers', 'redrive-failures']);

      expect(stderr.printed).toEqual([
        'ledger: --queue-url is required (stack output StreamConsumersDeadLetterQueueUrl)',
      ]);
      expect(process.exitCode).toBe(1);
    });
  });

  describe('when redrive-failures is given a maximum that is none', () => {
    it('refuses it', async () => {
      await runCli([
        'node',
        'ledger',
        'consumers',
        'redrive-failures',
        '--queue-url',
        'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
        '--max',
        '0',
      ]);

      expect(stderr.printed).toEqual(['ledger: --max must be a positive whole number, got "0"']);
      expect(process.exitCode).toBe(1);
    });
  });

  describe('when replay consumer is given a range that ends before it starts', () => {
    it('refuses it before opening anything', async () => {
      await runCli([
        'node',
        'ledger',
        'replay',
        'consumer',
        'correlator',
        '--from',
        '2026-03-01T12:00:00Z',
        '--to',
        '2026-03-01T11:00:00Z',
      ]);

      expect(stderr.printed).toEqual(['ledger: --from must be before --to']);
      expect(process.exitCode).toBe(1);
    });
  });
});
