import { describeFailure } from './describe-failure';
import { StoreUnavailableError, UsageError } from './ledger-error';

describe('describeFailure', () => {
  describe('when the failure was raised on purpose', () => {
    it('is the error message alone', () => {
      const failure = describeFailure(new UsageError('--rule is required'));

      expect(failure).toEqual({ expected: true, text: '--rule is required' });
    });

    it('keeps a wrapped cause out of the line', () => {
      const failure = describeFailure(
        new StoreUnavailableError('The event store is unreachable', {
          cause: new Error('connect ECONNREFUSED'),
        }),
      );

      expect(failure).toEqual({ expected: true, text: 'The event store is unreachable' });
    });
  });

  describe('when the failure is a bug', () => {
    it('keeps its stack and its cause', () => {
      let bug: unknown;
      try {
        new Date(Number.NaN).toISOString();
      } catch (error) {
        bug = new Error('rendering the report failed', { cause: error });
      }

      const failure = describeFailure(bug);

      expect(failure.expected).toBe(false);
      expect(failure.text).toContain('Error: rendering the report failed');
      expect(failure.text).toMatch(/\n\s+at .*describe-failure\.unit\.spec\.ts/);
      expect(failure.text).toContain('RangeError: Invalid time value');
    });

    it('describes a thrown value that is not an Error', () => {
      expect(describeFailure('plain string')).toEqual({ expected: false, text: "'plain string'" });
    });
  });
});
