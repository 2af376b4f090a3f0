import { StoreUnavailableError } from '@ledger/errors';
import { toProblem } from '../http/problem-details';
import { ServiceUnavailableError } from './health.controller';

describe('the health check', () => {
  describe('when storage is unreachable', () => {
    it('refuses with the one store_unavailable error class, carrying the checks', () => {
      const error = new ServiceUnavailableError({
        dynamodb: 'down',
        bus: 'up',
        gateway: { circuit: 'closed', notClosed: 0 },
      });

      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.retryAfterSeconds).toBe(2);
      expect(toProblem(error)).toMatchObject({
        status: 503,
        code: 'store_unavailable',
        detail: 'The service cannot serve: storage is unreachable',
        dynamodb: 'down',
        bus: 'up',
        gateway: { circuit: 'closed', notClosed: 0 },
      });
    });
  });
});
