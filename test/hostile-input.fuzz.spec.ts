import { createHash } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { request } from 'undici';
import { loadLedgerConfig, repoRoot } from '@ledger/config';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { createVerifier, signFor, type SchemeName } from '@ledger/webhooks';
import { engineStorage, eventItems } from './support/engine-client';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

/**
 * The fuzz tier: fast-check generates hostile requests (paths, methods, headers, bodies, query
 * strings, encodings, deep nesting, huge values, prototype names, forged cursors and signatures)
 * against the running service. FUZZ_RUNS sets how many (default 3,000), FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

// The committed local example configuration's keys and secrets (placeholders). acme's admin key
// gets /admin* bodies past the admin grant, where the other tenant keys get 403.
const API_KEYS = ['local-dev-key-acme', 'local-dev-key-globex', 'local-dev-admin-key-acme'];
const SANDBOX_SECRET = 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=';
const SIMPLE_SECRET = 'local-dev-only-not-a-real-secret';
/** The committed configuration's providers, to verify again every delivery the service stored. */
/** Every provider of the committed configuration the service runs on, with its scheme and secret. */
const PROVIDERS: Record<string, { scheme: SchemeName; secret: string }> = Object.fromEntries(
  loadLedgerConfig(join(repoRoot(), 'ledger.config.yaml')).providers.map((provider) => [
    provider.name,
    { scheme: provider.scheme, secret: provider.secrets[0] },
  ]),
);

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Printable ASCII: what an HTTP client lets through in a header value. */
const printable = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    maxLength,
  });

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf'];

/** A path segment: ordinary, hostile, or spelled with percent-encoding (valid or not). */
const segment = fc.oneof(
  fc.constantFrom(
    'pay_1',
    '%FF',
    '%',
    '%2F',
    '%00',
    '..',
    '%2e%2e',
    'P%23k',
    '%E2%82%AC',
    ...PROTOTYPE_NAMES,
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.integer({ min: 90, max: 2_000 }).map((length) => 'x'.repeat(length)),
);

/** A path built on the API's routes (spelled as they are, or percent-encoded), or anywhere. */
const path = fc.oneof(
  fc.constantFrom(
    '/health',
    '/payments',
    '/admin/replays',
    '/docs/json',
    '/%70ayments',
    '/payments/',
    '//payments',
  ),
  segment.map((id) => `/payments/${id}`),
  segment.map((id) => `/payments/${id}/history`),
  segment.map((id) => `/payments/${id}/refunds`),
  segment.map((id) => `/payments/${id}/reconcile`),
  segment.map((id) => `/admin/replays/${id}`),
  segment.map((provider) => `/webhooks/${provider}`),
  segment.map((provider) => `/%77ebhooks/${provider}`),
  fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
);

const isoDate = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z') })
  .filter((date) => !Number.isNaN(date.getTime()))
  .map((date) => date.toISOString());

const forgedCursor = fc.oneof(
  fc.constantFrom('c1..', 'c1.x.y', '', '%FF'),
  fc
    .record({
      pk: fc.constantFrom('acme#payment#pay_1', 'globex#payment#pay_1', ''),
      sk: fc.constantFrom('payment#g1', ''),
      gsi1pk: fc.constantFrom('acme#payments#g1', 'globex#payments#g1', ''),
      gsi1sk: fc.constantFrom('', 'z', '2026-01-01T00:00:00.000Z#pay_1'),
    })
    .map((keys) => Buffer.from(JSON.stringify(keys)).toString('base64url')),
  fc.base64String({ maxLength: 200 }),
);

const queryValue = fc.oneof(
  printable(40),
  isoDate,
  forgedCursor,
  fc.constantFrom('failed', 'succeeded', '-1', '0', '1e309', '101', 'NaN', '2026-W01', 'x'),
  fc.integer({ min: 2_000, max: 10_000 }).map((length) => '9'.repeat(length)),
);

const query = fc
  .dictionary(
    fc.oneof(
      fc.constantFrom(
        'status',
        'customerId',
        'from',
        'to',
        'limit',
        'cursor',
        'types',
        ...PROTOTYPE_NAMES,
      ),
      fc.string({ maxLength: 8 }),
    ),
    queryValue,
    { maxKeys: 4 },
  )
  .map((pairs) => {
    const text = Object.entries(pairs)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
      .join('&');
    return text === '' ? '' : `?${text}`;
  });

/** A JSON object text carrying members named like prototype machinery, as JSON.parse keeps them. */
const prototypeBody = fc
  .record({
    name: fc.constantFrom(...PROTOTYPE_NAMES),
    value: fc.jsonValue({ maxDepth: 2 }),
    kind: fc.constantFrom('payment', 'refund', 'replay'),
  })
  .map(({ name, value, kind }) => {
    const base =
      kind === 'payment'
        ? '"amount":1000,"currency":"EUR"'
        : kind === 'refund'
          ? '"amount":1'
          : '"kind":"rebuild","scope":{"paymentId":"pay_1"}';
    return `{${base},${JSON.stringify(name)}:${JSON.stringify(value)}}`;
  });

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 4 }),
  fc.integer({ min: 17, max: 5_000 }).map(nested),
  fc
    .integer({ min: 17, max: 3_000 })
    .map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  prototypeBody,
  fc
    .record({
      amount: fc.oneof(fc.integer(), fc.double(), fc.constant(1000), fc.string()),
      currency: fc.oneof(fc.constantFrom('EUR', 'USD', 'XXX', 'eur'), fc.string()),
      description: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 600 }), fc.jsonValue()),
    })
    .map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 200_000, max: 300_000 }).map((length) => `"${'x'.repeat(length)}"`),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/problem+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  undefined,
);

const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...API_KEYS.map((key) => `Bearer ${key}`)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      undefined,
      'Bearer',
      'Bearer nope',
      'Basic YTpi',
      'bearer local-dev-key-acme',
    ),
  },
  { weight: 1, arbitrary: printable(60) },
);

const extraHeaders = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'x-correlation-id',
      'idempotency-key',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
      'x-signature',
      'x-timestamp',
      'accept',
      'prefer',
      ...PROTOTYPE_NAMES.filter((name) => /^[a-z]+$/i.test(name)),
    ),
    fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
  ),
  fc.oneof(printable(80), fc.constantFrom('v1,AAAA', '0', '-1', '99999999999')),
  { maxKeys: 5 },
);

interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const generic: fc.Arbitrary<HostileRequest> = fc
  .record({
    method: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('GET', 'POST') },
      { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
    ),
    path,
    query,
    body,
    contentType,
    authorization,
    extraHeaders,
    bigHeader: fc.oneof(
      { weight: 20, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.integer({ min: 17_000, max: 40_000 }) },
    ),
  })
  .map((r) => {
    const headers: Record<string, string> = { ...r.extraHeaders };
    if (r.contentType !== undefined) headers['content-type'] = r.contentType;
    if (r.authorization !== undefined) headers.authorization = r.authorization;
    if (r.bigHeader !== undefined) headers['x-filler'] = 'f'.repeat(r.bigHeader);
    const sendsBody = r.method !== 'GET' && r.method !== 'HEAD';
    return {
      method: r.method,
      url: r.path + r.query,
      headers,
      ...(sendsBody && r.body !== undefined && { body: r.body }),
    };
  });

/** Webhook deliveries: signed correctly, signed then tampered with, or signed over other bytes. */
const webhook: fc.Arbitrary<HostileRequest> = fc
  .record({
    provider: fc.constantFrom('sandbox', 'simple'),
    spelling: fc.constantFrom('/webhooks/', '/%77ebhooks/', '/webhooks/%2e/../webhooks/'),
    payload: fc.record({
      id: fc.stringMatching(/^evt_[a-z0-9]{1,16}$/),
      type: fc.constantFrom('payment.completed', 'payment.failed', 'refund.completed'),
      data: fc.dictionary(
        fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, 'paymentId', 'orderId'), fc.string()),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 4 },
      ),
    }),
    spacing: fc.constantFrom(0, 1, 2),
    tamper: fc.constantFrom('none', 'none', 'flip', 'literal', 'prefix'),
    extraHeaders,
  })
  .map(({ provider, spelling, payload, spacing, tamper, extraHeaders: extra }) => {
    const text = JSON.stringify(payload, null, spacing);
    const signedBytes = Buffer.from(text);
    const signature =
      provider === 'sandbox'
        ? signFor('standard-webhooks', SANDBOX_SECRET, signedBytes, {
            id: `msg_${payload.id}`,
          })
        : signFor('hmac-sha256', SIMPLE_SECRET, signedBytes, { id: payload.id });
    const sent =
      tamper === 'flip'
        ? text.replace(/"type"/, '"typf"')
        : tamper === 'literal'
          ? JSON.stringify(text)
          : tamper === 'prefix'
            ? ` ${text}`
            : text;
    return {
      method: 'POST',
      url: `${spelling}${provider}`,
      headers: { ...extra, 'content-type': 'application/json', ...signature },
      body: sent,
    };
  });

/** `null` three times in four, else a value of `arbitrary`. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

/** Stands in the URL for a cursor the service issued earlier in the run. */
const ISSUED_CURSOR = '{issued-cursor}';

/** Requests close to valid ones, so that validation and the store are reached, not just routing. */
const nearValid: fc.Arbitrary<HostileRequest> = fc.oneof(
  fc
    .record({
      key: fc.constantFrom(...API_KEYS),
      idempotencyKey: fc.oneof(
        { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,40}$/) },
        { weight: 1, arbitrary: printable(300) },
      ),
      amount: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(0, -1, 1.5, 2 ** 60)),
      currency: fc.constantFrom('EUR', 'USD', 'JPY', 'eur', 'XYZ'),
      customerId: fc.option(fc.oneof(fc.constantFrom('cus_1', 'cus_2'), printable(80)), {
        freq: 2,
      }),
      extra: rarely(
        fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string()), fc.jsonValue()),
      ),
      refundOf: rarely(segment),
    })
    .map((r) => {
      const payload: Record<string, unknown> =
        r.refundOf === null ? { amount: r.amount, currency: r.currency } : { amount: r.amount };
      if (r.customerId !== null && r.refundOf === null) payload.customerId = r.customerId;
      let text = JSON.stringify(payload);
      if (r.extra !== null)
        text = `${text.slice(0, -1)},${JSON.stringify(r.extra[0])}:${JSON.stringify(r.extra[1])}}`;
      return {
        method: 'POST',
        url: r.refundOf === null ? '/payments' : `/payments/${r.refundOf}/refunds`,
        headers: {
          authorization: `Bearer ${r.key}`,
          'content-type': 'application/json',
          'idempotency-key': r.idempotencyKey,
        },
        body: text,
      };
    }),
  fc
    .record({
      key: fc.constantFrom(...API_KEYS),
      from: fc.option(isoDate),
      to: fc.option(isoDate),
      status: fc.option(fc.constantFrom('succeeded', 'failed', 'requested', 'teleported')),
      customerId: fc.option(fc.constantFrom('cus_1', 'cus_2')),
      limit: fc.option(fc.integer({ min: -1, max: 120 })),
      cursor: fc.option(fc.oneof(fc.constant(ISSUED_CURSOR), forgedCursor)),
    })
    .map((r) => {
      const pairs = Object.entries({
        from: r.from,
        to: r.to,
        status: r.status,
        customerId: r.customerId,
        limit: r.limit,
        cursor: r.cursor,
      }).filter(([, value]) => value !== null);
      const text = pairs
        .map(([key, value]) =>
          value === ISSUED_CURSOR
            ? `${key}=${ISSUED_CURSOR}`
            : `${key}=${encodeURIComponent(String(value))}`,
        )
        .join('&');
      return {
        method: 'GET',
        url: `/payments${text === '' ? '' : `?${text}`}`,
        headers: { authorization: `Bearer ${r.key}` },
      };
    }),
);

const hostileRequest = fc.oneof(
  { weight: 4, arbitrary: generic },
  { weight: 2, arbitrary: nearValid },
  { weight: 1, arbitrary: webhook },
);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Why an answer is not deliberate, or undefined when it is. */
function fault(sent: HostileRequest, answer: Answer): string | undefined {
  if (answer.status >= 500 && answer.status !== 503) return `answered ${answer.status}`;
  if (answer.status < 400) return undefined;
  const correlationId = answer.headers['x-correlation-id'];
  if (typeof correlationId !== 'string' || correlationId === '') {
    return `error ${answer.status} without an x-correlation-id`;
  }
  if (sent.method === 'HEAD') return undefined;
  if (!String(answer.headers['content-type']).startsWith('application/problem+json')) {
    return `error ${answer.status} as ${String(answer.headers['content-type'])}`;
  }
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return `error ${answer.status} with a body that is not JSON`;
  }
  if (problem.status !== answer.status || typeof problem.code !== 'string') {
    return `problem document ${answer.text.slice(0, 200)} does not match status ${answer.status}`;
  }
  if (problem.correlationId !== correlationId) return 'problem without its correlation id';
  return undefined;
}

describe('hostile input against the running service (fuzz)', () => {
  let ledger: LedgerProcess;
  let storage: LedgerStorage;

  beforeAll(async () => {
    const env = await isolatedEnv();
    ledger = spawnLedger(env);
    await waitForHealthy(ledger);
    storage = engineStorage(env);
  });

  afterAll(async () => {
    storage?.dynamoDb.destroy();
    await ledger?.stop();
  });

  /** Cursors the service issued during the run, for requests to reuse with other filters. */
  const issued: string[] = ['none-yet'];

  async function send(sent: HostileRequest): Promise<Answer> {
    const url = sent.url.replace(ISSUED_CURSOR, () => issued[issued.length - 1]);
    const response = await request(`${ledger.baseUrl}${url}`, {
      method: sent.method as 'GET',
      headers: sent.headers,
      body: sent.body,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    return {
      status: response.statusCode,
      headers: response.headers,
      text: await response.body.text(),
    };
  }

  it(`answers ${RUNS} hostile requests deliberately, stays healthy and stores only verified webhook bodies`, async () => {
    /** sha256 of the body sent, by the event id of each delivery acknowledged as new. */
    const acknowledged = new Map<string, string>();
    const statuses = new Map<number, number>();
    let requests = 0;

    try {
      await fc.assert(
        fc.asyncProperty(hostileRequest, async (sent) => {
          let answer: Answer;
          try {
            answer = await send(sent);
          } catch (error) {
            // A connection the server closes after answering on the socket (431, 400) may reach
            // the client as a reset; anything else is a fault.
            if (sent.headers['x-filler'] !== undefined) return;
            throw error;
          }
          requests++;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 200 && sent.body !== undefined && sent.url.includes('ebhooks/')) {
            const ack = JSON.parse(answer.text) as { eventId: string; duplicate: boolean };
            if (!ack.duplicate) acknowledged.set(ack.eventId, sha256(Buffer.from(sent.body)));
          }
          const problem = fault(sent, answer);
          if (problem !== undefined) {
            throw new Error(`${sent.method} ${sent.url.slice(0, 300)}: ${problem}`);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } catch (error) {
      console.error(`fuzz tier failed; replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);
      throw error;
    }
    console.info(
      `fuzz tier: seed ${SEED}, ${requests} requests answered, statuses ` +
        JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b))),
    );

    const health = await request(`${ledger.baseUrl}/health`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    const stored = (await eventItems(storage, '#delivery#')).filter(
      (item) => item.type === 'WebhookReceived',
    );
    // Every stored body verifies, as stored, against its provider's secret and stored headers;
    // every delivery acknowledged as new is stored as the exact bytes sent.
    for (const item of stored) {
      const data = item.data as {
        provider: string;
        body: Uint8Array;
        headers: Record<string, string>;
        receivedAt: string;
      };
      const bytes = Buffer.from(data.body);
      const provider = PROVIDERS[data.provider];
      expect(provider).toBeDefined();
      const verifier = createVerifier(provider.scheme, {
        secrets: [provider.secret],
        toleranceSeconds: 300,
        clock: () => new Date(data.receivedAt),
      });
      expect(() => verifier.verify({ rawBody: bytes, headers: data.headers })).not.toThrow();
      const sent = acknowledged.get(item.eventId as string);
      if (sent !== undefined) expect(sha256(bytes)).toBe(sent);
    }
    expect(stored.length).toBeGreaterThan(0);
    expect(statuses.get(500) ?? 0).toBe(0);
    expect(requests).toBeGreaterThan(RUNS * 0.9);
  }, 900_000);
});
