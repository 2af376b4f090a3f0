import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import { initialPaymentState } from '@ledger/ledger';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { signFor, type WebhookReceivedData } from '@ledger/webhooks';
import { createTestApi, type TestApi } from '../testing/test-api';

const ACME = { authorization: 'Bearer test-key-acme-0000' };
const ACME_ADMIN = { authorization: 'Bearer test-admin-key-acme-0' };
const keyFor = (url: string) => (url.startsWith('/admin') ? ACME_ADMIN : ACME);
const SECRET = 'test-secret-not-real';

/** Every error answer: problem+json, its correlation id in the header and the body. */
function expectProblem(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const correlationId = response.headers['x-correlation-id'];
  expect(correlationId).toEqual(expect.any(String));
  expect(response.json()).toMatchObject({ status, code, correlationId });
}

const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

describe('hostile input at the API edge', () => {
  let ledger: TestLedger;
  let api: TestApi;

  beforeAll(async () => {
    ledger = await createTestLedger('hostile');
    api = await createTestApi(ledger);
  });

  afterAll(async () => {
    await api.close();
    await ledger.close();
  });

  describe('when a JSON body is nested thousands of levels deep', () => {
    it.each([
      ['/payments', `{"amount":1000,"currency":"EUR","description":${nested(3000)}}`],
      ['/payments/pay_1/refunds', `{"amount":1,"reason":${nested(3000)}}`],
      ['/admin/replays', `{"kind":"rebuild","scope":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`],
    ])('refuses POST %s with 400 payload_too_deep before parsing it', async (url, payload) => {
      const response = await api.app.inject({
        method: 'POST',
        url,
        headers: {
          ...keyFor(url),
          'idempotency-key': 'deep-1',
          'content-type': 'application/json',
        },
        payload,
      });

      expectProblem(response, 400, 'payload_too_deep');
    });
  });

  describe('when a body carries members the API does not declare', () => {
    it.each([
      ['/payments', { amount: 1000, currency: 'EUR', constructor: 'x' }, 'constructor'],
      ['/payments', { amount: 1000, currency: 'EUR', toString: 'x' }, 'toString'],
      ['/payments', { amount: 1000, currency: 'EUR', hasOwnProperty: 1 }, 'hasOwnProperty'],
      ['/payments/pay_1/refunds', { amount: 1, prototype: {} }, 'prototype'],
      ['/admin/replays', { kind: 'rebuild', scope: { constructor: 'x' } }, 'scope.constructor'],
      ['/admin/replays', { kind: 'rebuild', scope: { valueOf: 'x' } }, 'scope.valueOf'],
    ])('refuses POST %s with %j, naming the member', async (url, body, member) => {
      const response = await api.app.inject({
        method: 'POST',
        url,
        headers: {
          ...keyFor(url),
          'idempotency-key': `member-${member}`,
          'content-type': 'application/json',
        },
        payload: JSON.stringify(body),
      });

      expectProblem(response, 400, 'validation_failed');
      expect(response.json<{ errors: string[] }>().errors).toContain(
        `property ${member} should not exist`,
      );
    });

    it('refuses a __proto__ member, written as JSON text', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/payments',
        headers: { ...ACME, 'idempotency-key': 'member-proto', 'content-type': 'application/json' },
        payload: '{"amount":1000,"currency":"EUR","__proto__":{"amount":1}}',
      });

      expectProblem(response, 400, 'validation_failed');
      expect(response.json<{ errors: string[] }>().errors).toContain(
        'property __proto__ should not exist',
      );
    });

    it('refuses a query member the list does not declare', async () => {
      const response = await api.app.inject({
        method: 'GET',
        url: '/payments?constructor=x',
        headers: ACME,
      });

      expectProblem(response, 400, 'validation_failed');
    });
  });

  describe('when a webhook path is spelled with percent-encoding', () => {
    it('keeps the body as the exact bytes received and stores them verbatim', async () => {
      const body = '{ "id":"evt_encoded_path", "type":"payment.completed" }';

      const response = await api.app.inject({
        method: 'POST',
        url: '/%77ebhooks/sandbox',
        headers: { 'content-type': 'application/json', ...signFor('hmac-sha256', SECRET, body) },
        payload: body,
      });

      expect(response.statusCode).toBe(200);
      const { events } = await ledger.store.readStream('acme#delivery#sandbox#evt_encoded_path');
      const data = events[0].data as unknown as WebhookReceivedData;
      expect(Buffer.from(data.body).toString('utf8')).toBe(body);
    });

    it('refuses a body signed inside a JSON string literal and stores nothing', async () => {
      const inner = '{"id":"evt_string_literal","type":"payment.completed"}';
      const literal = JSON.stringify(inner);

      const response = await api.app.inject({
        method: 'POST',
        url: '/%77ebhooks/sandbox',
        headers: { 'content-type': 'application/json', ...signFor('hmac-sha256', SECRET, inner) },
        payload: literal,
      });

      expectProblem(response, 401, 'invalid_signature');
      const { events } = await ledger.store.readStream('acme#delivery#sandbox#evt_string_literal');
      expect(events).toEqual([]);
    });
  });

  describe('when the router itself refuses a request', () => {
    it('answers a path it cannot decode with 400 invalid_url', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/payments/%FF', headers: ACME });

      expectProblem(response, 400, 'invalid_url');
    });

    it('answers an over-long path parameter with 414 uri_too_long', async () => {
      const response = await api.app.inject({
        method: 'GET',
        url: `/payments/${'p'.repeat(500)}`,
        headers: ACME,
      });

      expectProblem(response, 414, 'uri_too_long');
    });

    it('answers an unknown route with 404 not_found', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/nowhere' });

      expectProblem(response, 404, 'not_found');
    });

    it('answers a known path with another method with 405 and Allow', async () => {
      const list = await api.app.inject({ method: 'DELETE', url: '/payments', headers: ACME });
      const one = await api.app.inject({ method: 'PUT', url: '/payments/pay_1', headers: ACME });

      expectProblem(list, 405, 'method_not_allowed');
      expect(list.headers.allow).toBe('GET, HEAD, POST');
      expectProblem(one, 405, 'method_not_allowed');
      expect(one.headers.allow).toBe('GET, HEAD');
    });

    it('answers a body of an unsupported media type with 415', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/payments',
        headers: { ...ACME, 'idempotency-key': 'media-1', 'content-type': 'text/plain' },
        payload: 'amount=1',
      });

      expectProblem(response, 415, 'unsupported_media_type');
      expect(response.json<{ detail: string }>().detail).toContain('application/json');
    });

    it('answers a body over the limit with 413 payload_too_large', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/payments',
        headers: { ...ACME, 'idempotency-key': 'large-1', 'content-type': 'application/json' },
        payload: JSON.stringify({ description: 'x'.repeat(300 * 1024) }),
      });

      expectProblem(response, 413, 'payload_too_large');
    });
  });

  describe('when payments are listed with hostile filters or cursors', () => {
    beforeAll(async () => {
      const documents = projectionAdapters(ledger.storage).documentsOf(FIRST_GENERATION);
      for (let i = 1; i <= 5; i++) {
        const createdAt = `2026-03-0${i}T10:00:00.000Z`;
        await documents.put(
          {
            tenantId: 'acme',
            paymentId: `pay_list_${i}`,
            version: 1,
            state: {
              ...initialPaymentState(),
              exists: true,
              paymentId: `pay_list_${i}`,
              tenantId: 'acme',
              amount: 100 * i,
              currency: 'EUR',
              status: 'requested',
              customerId: 'cus_hostile',
              createdAt,
              updatedAt: createdAt,
            },
          },
          0,
        );
      }
    });

    const list = (query: string) =>
      api.app.inject({ method: 'GET', url: `/payments?${query}`, headers: ACME });

    it('refuses a range whose end is before its start with 400 validation_failed', async () => {
      const response = await list('from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z');

      expectProblem(response, 400, 'validation_failed');
      expect(response.json<{ errors: string[] }>().errors).toContain('to must not be before from');
    });

    it('compares a range given in other offsets by its instants', async () => {
      // As text the start sorts after the end; as instants it is an hour before it.
      const response = await list(
        `from=${encodeURIComponent('2026-03-03T10:00:00+05:00')}` +
          `&to=${encodeURIComponent('2026-03-03T00:00:00-05:00')}`,
      );

      expect(response.statusCode).toBe(200);
    });

    it('pages through with the cursors it issued', async () => {
      const first = (await list('customerId=cus_hostile&limit=2')).json<{ nextCursor: string }>();
      const second = await list(`customerId=cus_hostile&limit=2&cursor=${first.nextCursor}`);

      expect(second.statusCode).toBe(200);
      expect(
        second.json<{ items: { paymentId: string }[] }>().items.map((p) => p.paymentId),
      ).toEqual(['pay_list_3', 'pay_list_2']);
    });

    it('refuses forged cursors with 400 invalid_cursor before they reach the store', async () => {
      const emptySortKey = Buffer.from(
        JSON.stringify({
          pk: 'acme#payment#pay_list_1',
          sk: 'payment#g1',
          gsi1pk: 'acme#payments#g1',
          gsi1sk: '',
        }),
      ).toString('base64url');
      const issued = (await list('customerId=cus_hostile&limit=1')).json<{ nextCursor: string }>();
      const [version, payload, mac] = issued.nextCursor.split('.');
      // The sealed position is the store's own cursor (base64url JSON): point it elsewhere.
      const position = Buffer.from(payload, 'base64url').toString();
      const keys = Buffer.from(position, 'base64url')
        .toString()
        .replace('pay_list_5', 'pay_list_1');
      expect(keys).toContain('pay_list_1');
      const altered = [
        version,
        Buffer.from(Buffer.from(keys).toString('base64url')).toString('base64url'),
        mac,
      ].join('.');

      for (const cursor of [emptySortKey, altered, 'c1..', `${issued.nextCursor}x`]) {
        expectProblem(
          await list(`customerId=cus_hostile&cursor=${encodeURIComponent(cursor)}`),
          400,
          'invalid_cursor',
        );
      }
    });

    it('refuses a cursor used with other filters with 400 invalid_cursor', async () => {
      const issued = (await list('customerId=cus_hostile&limit=1')).json<{ nextCursor: string }>();

      const withFrom = await list(
        `customerId=cus_hostile&from=2026-03-04T00:00:00Z&cursor=${issued.nextCursor}`,
      );
      const otherCustomer = await list(`customerId=cus_other&cursor=${issued.nextCursor}`);
      const otherTenant = await api.app.inject({
        method: 'GET',
        url: `/payments?customerId=cus_hostile&cursor=${issued.nextCursor}`,
        headers: { authorization: 'Bearer test-key-globex-000' },
      });

      expectProblem(withFrom, 400, 'invalid_cursor');
      expectProblem(otherCustomer, 400, 'invalid_cursor');
      expectProblem(otherTenant, 400, 'invalid_cursor');
    });
  });

  describe('when the connection itself is refused', () => {
    it('answers headers too large with 431 problem+json and a correlation id', async () => {
      await api.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = api.app.getHttpServer().address() as AddressInfo;

      const answer = await new Promise<{
        status?: number;
        headers: Record<string, unknown>;
        body: string;
      }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path: '/health', headers: { 'x-filler': 'f'.repeat(40_000) } },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });

      expect(answer.status).toBe(431);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(answer.headers['x-correlation-id']).toEqual(expect.any(String));
      expect(JSON.parse(answer.body)).toMatchObject({
        status: 431,
        code: 'headers_too_large',
        correlationId: answer.headers['x-correlation-id'],
      });
    });
  });
});
