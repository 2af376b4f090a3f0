import { createLedgerStorage } from '@ledger/event-store';
import { freePort } from '@ledger/local-engine';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { createTestApi } from '../testing/test-api';

describe('GET /health', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await createTestLedger('health');
  });

  afterAll(async () => {
    await ledger.close();
  });

  describe('when DynamoDB answers', () => {
    it('reports ok with 200', async () => {
      const api = await createTestApi(ledger);

      const response = await api.app.inject({ method: 'GET', url: '/health' });
      await api.close();

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        status: 'ok',
        dynamodb: 'up',
        gateway: { circuit: 'closed' },
      });
    });
  });

  describe('when DynamoDB cannot be reached', () => {
    it('reports the outage with 503', async () => {
      const nowhere = createLedgerStorage({ endpoint: `http://127.0.0.1:${await freePort()}` });
      const api = await createTestApi(ledger, { storage: nowhere });

      const response = await api.app.inject({ method: 'GET', url: '/health' });
      await api.close();
      nowhere.dynamoDb.destroy();

      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        status: 'unavailable',
        dynamodb: 'down',
        gateway: { circuit: 'closed' },
      });
    });
  });
});
