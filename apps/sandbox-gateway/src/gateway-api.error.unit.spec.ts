import { LedgerError } from '@ledger/errors';
import { GatewayApiError, invalidRequest } from './gateway-api.error';

describe('GatewayApiError', () => {
  describe('when the sandbox refuses a request', () => {
    it('is a LedgerError whose code and status are its answer', () => {
      const error = invalidRequest('amount must be an integer');

      expect(error).toBeInstanceOf(GatewayApiError);
      expect(error).toBeInstanceOf(LedgerError);
      expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(error.toBody()).toEqual({
        error: { code: 'invalid_request', message: 'amount must be an integer' },
      });
    });
  });
});
