import { LedgerError } from '@ledger/errors';
import { GatewayNetworkError } from './gateway.errors';
import { RetryScheduledError } from './http/resilience.policy';

describe('the gateway adapter errors', () => {
  describe('when the gateway cannot be reached', () => {
    it('is a LedgerError with a stable code, and keeps no underlying error', () => {
      const error = new GatewayNetworkError('ECONNRESET');

      expect(error).toBeInstanceOf(LedgerError);
      expect(error).toMatchObject({ code: 'gateway_unreachable', name: 'GatewayNetworkError' });
      expect(error.cause).toBeUndefined();
    });
  });

  describe('when an attempt asks for another one', () => {
    it('is a LedgerError with a stable code and the delay it decided', () => {
      const error = new RetryScheduledError(250);

      expect(error).toBeInstanceOf(LedgerError);
      expect(error).toMatchObject({ code: 'retry_scheduled', delayMs: 250 });
    });
  });
});
