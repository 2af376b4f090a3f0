import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseLedgerConfig } from '@ledger/config';
import { createLedgerStorage } from '@ledger/event-store';
import { freePort } from '@ledger/local-engine';
import { createLogger } from '@ledger/observability';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { createApiApp } from '../create-api-app';

describe('GET /health', () => {
  const logger = createLogger('silent');
  const config = parseLedgerConfig({ tenants: [], providers: [] });
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await createTestLedger('health');
  });

  afterAll(async () => {
    await ledger.close();
  });

  async function apiOn(
    storage: Pick<TestLedger, 'client' | 'tables' | 'store'>,
  ): Promise<NestFastifyApplication> {
    return createApiApp({
      dynamoDb: storage.client,
      tables: storage.tables,
      eventStore: storage.store,
      config,
      logger,
      clock: () => new Date(),
    });
  }

  describe('when DynamoDB answers', () => {
    it('reports ok with 200', async () => {
      const app = await apiOn(ledger);

      const response = await app.inject({ method: 'GET', url: '/health' });
      await app.close();

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', dynamodb: 'up' });
    });
  });

  describe('when DynamoDB cannot be reached', () => {
    it('reports the outage with 503', async () => {
      const nowhere = createLedgerStorage({ endpoint: `http://127.0.0.1:${await freePort()}` });
      const app = await apiOn({
        client: nowhere.dynamoDb,
        tables: nowhere.tables,
        store: nowhere.eventStore,
      });

      const response = await app.inject({ method: 'GET', url: '/health' });
      await app.close();
      nowhere.dynamoDb.destroy();

      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable', dynamodb: 'down' });
    });
  });
});
