import { createTestLedger, type TestLedger } from '@ledger/testing';
import { createTestApi, type TestApi } from '../testing/test-api';

describe('GET /docs', () => {
  let ledger: TestLedger;
  let api: TestApi;

  beforeAll(async () => {
    ledger = await createTestLedger('openapi');
    api = await createTestApi(ledger);
  });

  afterAll(async () => {
    await api.close();
    await ledger.close();
  });

  describe('when the OpenAPI document is fetched', () => {
    it('describes every route with its problem responses', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/docs/json' });
      const document = response.json<{
        openapi: string;
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      }>();

      expect(response.statusCode).toBe(200);
      expect(document.openapi).toMatch(/^3\./);
      expect(Object.keys(document.paths).sort()).toEqual([
        '/admin/replays',
        '/admin/replays/{replayId}',
        '/health',
        '/payments',
        '/payments/{paymentId}',
        '/payments/{paymentId}/history',
        '/payments/{paymentId}/reconcile',
        '/payments/{paymentId}/refunds',
        '/webhooks/{provider}',
      ]);
      expect(Object.keys(document.paths['/webhooks/{provider}'].post.responses).sort()).toEqual([
        '200',
        '400',
        '401',
        '404',
        '413',
        '415',
        '503',
      ]);
    });

    it('describes the problem document with its correlation id and the list cursor refusal', async () => {
      const document = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json<any>();

      expect(document.components.schemas.ProblemDto.required).toContain('correlationId');
      expect(document.paths['/payments'].get.responses['400'].description).toContain(
        'invalid_cursor',
      );
      expect(Object.keys(document.paths['/payments'].post.responses)).toEqual(
        expect.arrayContaining(['413', '415']),
      );
    });
  });

  describe('when the UI is opened', () => {
    it('serves an HTML page', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/docs' });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
    });
  });
});
