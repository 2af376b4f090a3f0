import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
        '/admin/reconciliations',
        '/admin/reconciliations/{jobId}',
        '/admin/replays',
        '/admin/replays/{replayId}',
        '/health',
        '/payments',
        '/payments/batch',
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

  describe('when its error responses are read', () => {
    it('declares each as problem+json, with one example per code, each a code of docs/api.md', async () => {
      const document = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json<any>();
      const documented = documentedCodes();

      const problems = Object.values(document.paths).flatMap((path: any) =>
        Object.values(path).flatMap((operation: any) =>
          Object.entries(operation.responses)
            .filter(([status]) => Number(status) >= 400)
            .map(([status, response]: [string, any]) => ({ status: Number(status), response })),
        ),
      );

      expect(problems.length).toBeGreaterThan(30);
      for (const { status, response } of problems) {
        expect(Object.keys(response.content)).toEqual(['application/problem+json']);
        const examples = Object.values(response.content['application/problem+json'].examples);
        expect(examples.length).toBeGreaterThan(0);
        for (const { value } of examples as Array<{ value: { status: number; code: string } }>) {
          expect(value.status).toBe(status);
          expect(documented).toContain(value.code);
        }
      }
    });

    it('describes the API key as an opaque key and amounts as bounded integers', async () => {
      const document = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json<any>();

      expect(document.components.securitySchemes.bearer.bearerFormat).not.toBe('JWT');
      expect(document.components.schemas.CreatePaymentDto.properties.amount).toMatchObject({
        type: 'integer',
        minimum: 1,
        maximum: 100_000_000_000,
      });
      const parameters = document.paths['/webhooks/{provider}'].post.parameters as Array<{
        name: string;
      }>;
      expect(parameters.map((p) => p.name)).toEqual(
        expect.arrayContaining([
          'webhook-signature',
          'stripe-signature',
          'x-hub-signature-256',
          'x-signature',
        ]),
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

/** The codes of docs/api.md's "Error codes" table. */
function documentedCodes(): string[] {
  const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'api.md'), 'utf8');
  const table = doc.slice(doc.indexOf('## Error codes'));
  return [...table.matchAll(/^\| `([a-z_]+)` +\|/gm)].map(([, code]) => code);
}
