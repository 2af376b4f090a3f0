import { createEventBridgeClient } from '@ledger/bus/aws';
import { closeLedgerStorage, createLedgerStorage } from '@ledger/event-store/aws';
import { startLocalBus, type RunningLocalBus } from '@ledger/local-bus';
import { freePort } from '@ledger/local-engine';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { createTestApi } from '../testing/test-api';

describe('GET /health', () => {
  let ledger: TestLedger;
  let bus: RunningLocalBus;

  beforeAll(async () => {
    ledger = await createTestLedger('health');
    bus = await startLocalBus({ rules: [] });
  });

  afterAll(async () => {
    await bus.stop();
    await ledger.close();
  });

  describe('when DynamoDB and the bus answer', () => {
    it('reports ok with 200', async () => {
      const eventBridge = createEventBridgeClient(bus.url);
      const api = await createTestApi(ledger, { eventBridge });

      const response = await api.app.inject({ method: 'GET', url: '/health' });
      await api.close();
      eventBridge.destroy();

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        status: 'ok',
        dynamodb: 'up',
        bus: 'up',
        gateway: { circuit: 'closed', notClosed: 0 },
        backlog: { requested: 0, atLeast: false },
      });
    });
  });

  describe('when only the bus cannot be reached', () => {
    it('reports degraded, still with 200: integration events wait in the stream', async () => {
      const api = await createTestApi(ledger);

      const response = await api.app.inject({ method: 'GET', url: '/health' });
      await api.close();

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'degraded', dynamodb: 'up', bus: 'down' });
    });
  });

  describe('when DynamoDB cannot be reached', () => {
    it('reports the outage as a 503 problem with Retry-After and a correlation id', async () => {
      const nowhere = createLedgerStorage({ endpoint: `http://127.0.0.1:${await freePort()}` });
      const api = await createTestApi(ledger, { storage: nowhere });

      const response = await api.app.inject({ method: 'GET', url: '/health' });
      await api.close();
      closeLedgerStorage(nowhere);

      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['retry-after']).toBe('2');
      const correlationId = response.headers['x-correlation-id'];
      expect(correlationId).toEqual(expect.any(String));
      expect(response.json()).toMatchObject({
        status: 503,
        code: 'store_unavailable',
        dynamodb: 'down',
        correlationId,
      });
    });
  });
});
