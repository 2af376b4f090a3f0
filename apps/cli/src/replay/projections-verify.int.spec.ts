import { projectionAdapters } from '@ledger/projections/aws';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { captureCliErrors } from '../testing/capture-cli-errors';
import { runCli } from '../main';

describe('ledger projections verify --generation', () => {
  const stderr = captureCliErrors();
  let ledger: TestLedger;
  const prefixBefore = process.env.TABLE_PREFIX;

  beforeAll(async () => {
    ledger = await createTestLedger('cli-verify');
    // The CLI opens the test engine's tables (DYNAMODB_ENDPOINT is the int tier's engine).
    process.env.TABLE_PREFIX = ledger.prefix;
  });

  afterAll(async () => {
    if (prefixBefore === undefined) delete process.env.TABLE_PREFIX;
    else process.env.TABLE_PREFIX = prefixBefore;
    await ledger.close();
  });

  describe('when the generation does not exist', () => {
    it('fails, listing the generations there are', async () => {
      jest.spyOn(console, 'log').mockImplementation(() => undefined);

      await runCli(['node', 'ledger', 'projections', 'verify', '--generation', 'nope']);

      expect(stderr.printed).toEqual([
        expect.stringMatching(
          /^ledger: No generation is named "nope"; known generations: \S+ \(live\)$/,
        ),
      ]);
      expect(console.log).not.toHaveBeenCalled();
      expect(process.exitCode).toBe(1);
    });
  });

  describe('when the generation is the live one', () => {
    it('verifies it', async () => {
      const printed: string[] = [];
      jest.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
      const { live } = await projectionAdapters(ledger.storage)
        .generations({ cacheMs: 0 })
        .current();

      await runCli(['node', 'ledger', 'projections', 'verify', '--generation', live]);

      expect(stderr.printed).toEqual(['identical: 0 payments, 0 events']);
      expect(JSON.parse(printed[0])).toMatchObject({ generation: live, identical: true });
      expect(process.exitCode).toBeUndefined();
    });
  });
});
