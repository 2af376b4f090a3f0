import OpenAPIResponseValidator from 'openapi-response-validator';
import { signFor } from '@ledger/webhooks';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

/**
 * Real answers of the running service against its own OpenAPI document (/docs/json): for every
 * documented success and error of the main routes, the status is one the operation declares, the
 * media type one that status declares, and the body valid against its schema
 * (openapi-response-validator).
 */

// The committed example configuration's keys and the sandbox provider's secret (placeholders).
const ACME = { authorization: 'Bearer local-dev-key-acme' };
const ACME_ADMIN = { authorization: 'Bearer local-dev-admin-key-acme' };
const OPERATOR = { authorization: 'Bearer local-dev-key-operator' };
const SANDBOX_SECRET = 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=';
const JSON_TYPE = { 'content-type': 'application/json' };

interface Operation {
  responses: Record<string, { content?: Record<string, unknown> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}

interface Answer {
  status: number;
  mediaType: string;
  body: unknown;
}

describe('the OpenAPI document against real answers', () => {
  let ledger: LedgerProcess;
  let document: OpenApiDocument;
  const checked: string[] = [];

  beforeAll(async () => {
    ledger = spawnLedger(await isolatedEnv());
    await waitForHealthy(ledger);
    document = (await (await fetch(`${ledger.baseUrl}/docs/json`)).json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  async function call(
    method: string,
    url: string,
    options: { headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    const response = await fetch(`${ledger.baseUrl}${url}`, {
      method,
      headers: options.headers,
      body: options.body,
    });
    const text = await response.text();
    return {
      status: response.status,
      mediaType: (response.headers.get('content-type') ?? '').split(';')[0].trim(),
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
  }

  /** Checks one answer against the operation `method path` of the document. */
  function expectDocumented(method: string, path: string, answer: Answer, code?: string): void {
    const operation = document.paths[path]?.[method];
    expect({ operation: `${method} ${path}`, declared: operation !== undefined }).toEqual({
      operation: `${method} ${path}`,
      declared: true,
    });
    const declared = operation.responses[String(answer.status)];
    expect({ status: answer.status, declared: declared !== undefined }).toEqual({
      status: answer.status,
      declared: true,
    });
    expect(Object.keys(declared.content ?? {})).toContain(answer.mediaType);
    const validator = new OpenAPIResponseValidator({
      responses: { [String(answer.status)]: operation.responses[String(answer.status)] },
      components: document.components,
    } as never);
    expect(validator.validateResponse(answer.status, answer.body)).toBeUndefined();
    if (code !== undefined) expect(answer.body).toMatchObject({ code });
    checked.push(`${method} ${path} ${answer.status} ${code ?? ''}`.trim());
  }

  const payment = (amount: number, key: string) =>
    call('POST', '/payments', {
      headers: { ...ACME, ...JSON_TYPE, 'idempotency-key': key },
      body: JSON.stringify({ amount, currency: 'EUR' }),
    });

  describe('POST /payments', () => {
    it('answers every documented outcome as documented', async () => {
      const post = (headers: Record<string, string>, body: string) =>
        call('POST', '/payments', { headers: { ...JSON_TYPE, ...headers }, body });
      const valid = JSON.stringify({ amount: 1250, currency: 'EUR' });

      expectDocumented('post', '/payments', await payment(1250, 'oa-created'));
      expectDocumented(
        'post',
        '/payments',
        await post({ ...ACME, 'idempotency-key': 'oa-1' }, '{}'),
        'validation_failed',
      );
      expectDocumented('post', '/payments', await post(ACME, valid), 'idempotency_key_missing');
      expectDocumented(
        'post',
        '/payments',
        await post({ ...ACME, 'idempotency-key': 'k'.repeat(300) }, valid),
        'idempotency_key_invalid',
      );
      expectDocumented(
        'post',
        '/payments',
        await post({ ...ACME, 'idempotency-key': 'oa-2' }, '{"amount":'),
        'malformed_payload',
      );
      expectDocumented(
        'post',
        '/payments',
        await post(
          { ...ACME, 'idempotency-key': 'oa-3' },
          `{"description":${'['.repeat(40)}${']'.repeat(40)}}`,
        ),
        'payload_too_deep',
      );
      expectDocumented(
        'post',
        '/payments',
        await post({ 'idempotency-key': 'oa-4' }, valid),
        'unauthorized',
      );
      expectDocumented(
        'post',
        '/payments',
        await post({ ...OPERATOR, 'idempotency-key': 'oa-5' }, valid),
        'tenant_key_required',
      );
      expectDocumented(
        'post',
        '/payments',
        await post(
          { ...ACME, 'idempotency-key': 'oa-created' },
          JSON.stringify({ amount: 99, currency: 'EUR' }),
        ),
        'idempotency_key_reused',
      );
      expectDocumented(
        'post',
        '/payments',
        await post(
          { ...ACME, 'idempotency-key': 'oa-6' },
          JSON.stringify({ description: 'x'.repeat(300 * 1024) }),
        ),
        'payload_too_large',
      );
      expectDocumented(
        'post',
        '/payments',
        await call('POST', '/payments', {
          headers: { ...ACME, 'idempotency-key': 'oa-7', 'content-type': 'text/plain' },
          body: 'amount=1',
        }),
        'unsupported_media_type',
      );
      expectDocumented(
        'post',
        '/payments',
        await post({ ...ACME, 'idempotency-key': 'oa-async', prefer: 'respond-async' }, valid),
      );
    });
  });

  describe('POST /payments/batch', () => {
    it('answers every documented outcome as documented', async () => {
      const post = (body: unknown) =>
        call('POST', '/payments/batch', {
          headers: { ...ACME, ...JSON_TYPE },
          body: JSON.stringify(body),
        });
      const items = [
        { idempotencyKey: 'oa-batch-1', amount: 1250, currency: 'EUR' },
        { idempotencyKey: 'oa-batch-2', amount: 0, currency: 'EUR' },
      ];

      expectDocumented('post', '/payments/batch', await post({ items }));
      expectDocumented('post', '/payments/batch', await post({ items: [] }), 'validation_failed');
      expectDocumented(
        'post',
        '/payments/batch',
        await post({ items: [items[0], items[0]] }),
        'validation_failed',
      );
    });
  });

  describe('the payment routes', () => {
    it('answer every documented outcome as documented', async () => {
      const created = (await payment(2000, 'oa-refundable')).body as { paymentId: string };
      const declined = (await payment(2002, 'oa-declined')).body as { paymentId: string };
      const id = created.paymentId;
      const refund = (paymentId: string, amount: number, key: string) =>
        call('POST', `/payments/${paymentId}/refunds`, {
          headers: { ...ACME, ...JSON_TYPE, 'idempotency-key': key },
          body: JSON.stringify({ amount }),
        });

      expectDocumented(
        'get',
        '/payments/{paymentId}',
        await call('GET', `/payments/${id}`, { headers: ACME }),
      );
      expectDocumented(
        'get',
        '/payments/{paymentId}',
        await call('GET', '/payments/nope', { headers: ACME }),
        'invalid_payment_id',
      );
      expectDocumented(
        'get',
        '/payments/{paymentId}',
        await call('GET', '/payments/pay_missing', { headers: ACME }),
        'payment_not_found',
      );
      expectDocumented(
        'get',
        '/payments/{paymentId}',
        await call('GET', `/payments/${id}?minVersion=x`, { headers: ACME }),
        'validation_failed',
      );
      expectDocumented(
        'get',
        '/payments/{paymentId}',
        await call('GET', `/payments/${id}`),
        'unauthorized',
      );
      expectDocumented(
        'get',
        '/payments/{paymentId}',
        await call('GET', `/payments/${id}`, { headers: OPERATOR }),
        'tenant_key_required',
      );

      const history = '/payments/{paymentId}/history';
      expectDocumented(
        'get',
        history,
        await call('GET', `/payments/${id}/history`, { headers: ACME }),
      );
      expectDocumented(
        'get',
        history,
        await call('GET', `/payments/${id}/history?types=Bogus`, { headers: ACME }),
        'validation_failed',
      );
      expectDocumented(
        'get',
        history,
        await call('GET', '/payments/pay_missing/history', { headers: ACME }),
        'payment_not_found',
      );
      expectDocumented(
        'get',
        history,
        await call('GET', '/payments/nope/history', { headers: ACME }),
        'invalid_payment_id',
      );

      expectDocumented(
        'get',
        '/payments',
        await call('GET', '/payments?limit=2', { headers: ACME }),
      );
      expectDocumented(
        'get',
        '/payments',
        await call('GET', '/payments?cursor=forged', { headers: ACME }),
        'invalid_cursor',
      );
      expectDocumented(
        'get',
        '/payments',
        await call('GET', '/payments?limit=0', { headers: ACME }),
        'validation_failed',
      );

      const refunds = '/payments/{paymentId}/refunds';
      expectDocumented('post', refunds, await refund(id, 500, 'oa-refund-1'));
      expectDocumented('post', refunds, await refund(id, 500, 'oa-refund-1'));
      expectDocumented(
        'post',
        refunds,
        await refund(id, 600, 'oa-refund-1'),
        'idempotency_key_reused',
      );
      expectDocumented(
        'post',
        refunds,
        await refund(id, 5000, 'oa-refund-2'),
        'refund_exceeds_balance',
      );
      expectDocumented(
        'post',
        refunds,
        await refund(declined.paymentId, 100, 'oa-refund-3'),
        'payment_not_refundable',
      );
      expectDocumented(
        'post',
        refunds,
        await refund('pay_missing', 100, 'oa-refund-4'),
        'payment_not_found',
      );
      expectDocumented(
        'post',
        refunds,
        await refund('nope', 100, 'oa-refund-5'),
        'invalid_payment_id',
      );

      const reconcile = '/payments/{paymentId}/reconcile';
      expectDocumented(
        'post',
        reconcile,
        await call('POST', `/payments/${id}/reconcile`, { headers: ACME }),
      );
      expectDocumented(
        'post',
        reconcile,
        await call('POST', '/payments/pay_missing/reconcile', { headers: ACME }),
        'payment_not_found',
      );
      expectDocumented(
        'post',
        reconcile,
        await call('POST', '/payments/nope/reconcile', { headers: ACME }),
        'invalid_payment_id',
      );
    });
  });

  describe('POST /webhooks/{provider}', () => {
    it('answers every documented outcome as documented', async () => {
      const path = '/webhooks/{provider}';
      const body = JSON.stringify({ type: 'payment.succeeded', data: { paymentId: 'pay_none' } });
      const signed = signFor('standard-webhooks', SANDBOX_SECRET, body, { id: 'msg_openapi_1' });
      const send = (provider: string, headers: Record<string, string>, payload = body) =>
        call('POST', `/webhooks/${provider}`, {
          headers: { ...JSON_TYPE, ...headers },
          body: payload,
        });

      expectDocumented('post', path, await send('sandbox', signed));
      expectDocumented('post', path, await send('sandbox', signed));
      expectDocumented('post', path, await send('sandbox', {}), 'missing_signature_headers');
      expectDocumented(
        'post',
        path,
        await send('sandbox', { ...signed, 'webhook-signature': 'v1,AAAA' }),
        'invalid_signature',
      );
      expectDocumented(
        'post',
        path,
        await send(
          'sandbox',
          signFor('standard-webhooks', SANDBOX_SECRET, body, { timestamp: new Date(0) }),
        ),
        'timestamp_out_of_tolerance',
      );
      expectDocumented('post', path, await send('nobody', signed), 'unknown_provider');
      expectDocumented(
        'post',
        path,
        await send('sandbox', signFor('standard-webhooks', SANDBOX_SECRET, '[1]'), '[1]'),
        'malformed_payload',
      );
      expectDocumented(
        'post',
        path,
        await call('POST', '/webhooks/sandbox', {
          headers: { ...signed, 'content-type': 'text/plain' },
          body,
        }),
        'unsupported_media_type',
      );
    });
  });

  describe('the admin replay routes', () => {
    it('answer every documented outcome as documented', async () => {
      const start = (headers: Record<string, string>, request: unknown) =>
        call('POST', '/admin/replays', {
          headers: { ...JSON_TYPE, ...headers },
          body: JSON.stringify(request),
        });

      const started = await start(ACME_ADMIN, { kind: 'rebuild', dryRun: true });
      expectDocumented('post', '/admin/replays', started);
      expectDocumented(
        'post',
        '/admin/replays',
        await start(ACME_ADMIN, { kind: 'republish', rule: 'Nope' }),
        'validation_failed',
      );
      expectDocumented(
        'post',
        '/admin/replays',
        await start(ACME, { kind: 'rebuild' }),
        'admin_grant_required',
      );
      expectDocumented(
        'post',
        '/admin/replays',
        await start(ACME_ADMIN, { kind: 'rebuild', storeWide: true }),
        'operator_key_required',
      );
      expectDocumented(
        'post',
        '/admin/replays',
        await start({}, { kind: 'rebuild' }),
        'unauthorized',
      );

      const one = '/admin/replays/{replayId}';
      const { replayId } = started.body as { replayId: string };
      expectDocumented(
        'get',
        one,
        await call('GET', `/admin/replays/${replayId}`, { headers: ACME_ADMIN }),
      );
      expectDocumented(
        'get',
        one,
        await call('GET', '/admin/replays/nope', { headers: ACME_ADMIN }),
        'invalid_replay_id',
      );
      expectDocumented(
        'get',
        one,
        await call('GET', `/admin/replays/${'0'.repeat(26)}`, { headers: ACME_ADMIN }),
        'replay_not_found',
      );
    });
  });

  describe('the admin reconciliation routes', () => {
    it('answer every documented outcome as documented', async () => {
      const start = (headers: Record<string, string>, request: unknown) =>
        call('POST', '/admin/reconciliations', {
          headers: { ...JSON_TYPE, ...headers },
          body: JSON.stringify(request),
        });

      const started = await start(ACME_ADMIN, { dryRun: true });
      expectDocumented('post', '/admin/reconciliations', started);
      expectDocumented(
        'post',
        '/admin/reconciliations',
        await start(ACME_ADMIN, { status: ['succeeded'] }),
        'validation_failed',
      );
      expectDocumented(
        'post',
        '/admin/reconciliations',
        await start(ACME_ADMIN, { storeWide: true }),
        'operator_key_required',
      );

      const one = '/admin/reconciliations/{jobId}';
      const { jobId } = started.body as { jobId: string };
      expectDocumented(
        'get',
        one,
        await call('GET', `/admin/reconciliations/${jobId}`, { headers: ACME_ADMIN }),
      );
      expectDocumented(
        'get',
        one,
        await call('GET', `/admin/reconciliations/${'0'.repeat(26)}`, { headers: ACME_ADMIN }),
        'reconciliation_not_found',
      );
    });
  });

  describe('GET /health', () => {
    it('answers as documented', async () => {
      expectDocumented('get', '/health', await call('GET', '/health'));
      expect(checked.length).toBeGreaterThan(50);
    });
  });
});
