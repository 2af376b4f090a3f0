import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import { GatewayClientClosedError, InvalidGatewayOptionsError } from '../gateway.errors';
import type { AttemptRecord, CallContext, ChargeRequest } from '../payment-gateway.port';
import { HttpPaymentGateway, type HttpPaymentGatewayOptions } from './http-payment-gateway';
import { type ScriptedGateway, startScriptedGateway } from './scripted-gateway.spec-helper';

const API_KEY = 'sk_test_do-not-leak-4f7c2a';

const CHARGE: ChargeRequest = { paymentId: 'pay_1', amount: 5000, currency: 'EUR', orderId: 'o_1' };

let server: ScriptedGateway;
/** Every client a test made, closed after it. */
let clients: HttpPaymentGateway[] = [];

beforeEach(async () => {
  server = await startScriptedGateway();
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  clients = [];
  await server.close();
});

/**
 * Short delays and deterministic jitter (random 0.5: 5 ms, 10 ms, 20 ms ...); an attempt time-out
 * that a busy machine never reaches unless a test means it to (those set their own).
 */
function gateway(overrides: Partial<HttpPaymentGatewayOptions> = {}): HttpPaymentGateway {
  const client = new HttpPaymentGateway({
    baseUrl: overrides.baseUrl ?? server.baseUrl,
    apiKey: API_KEY,
    baseDelayMs: 10,
    capMs: 40,
    attemptTimeoutMs: 5_000,
    deadlineMs: 15_000,
    halfOpenAfterMs: 200,
    random: () => 0.5,
    ...overrides,
  });
  clients.push(client);
  return client;
}

/** A call context that keeps every record it is handed. */
function recorder(
  idempotencyKey = 'idem-1',
  extra: Partial<CallContext> = {},
): { context: CallContext; records: AttemptRecord[] } {
  const records: AttemptRecord[] = [];
  const context: CallContext = {
    idempotencyKey,
    operation: 'charge',
    onAttempt: async (record) => {
      records.push(record);
    },
    ...extra,
  };
  return { context, records };
}

describe('HttpPaymentGateway', () => {
  describe('when the gateway fails twice with 500 and then succeeds', () => {
    it('records three attempts and creates one charge under one idempotency key', async () => {
      server.enqueue({ status: 500 }, { status: 500 }, { status: 201 });
      const { context, records } = recorder();

      const result = await gateway().charge(CHARGE, context);

      expect(result).toMatchObject({ outcome: 'succeeded', httpStatus: 201 });
      expect(records.map((r) => [r.attempt, r.outcome, r.httpStatus, r.nextDelayMs])).toEqual([
        [1, 'http_error', 500, 5],
        [2, 'http_error', 500, 10],
        [3, 'succeeded', 201, undefined],
      ]);
      expect(records[2]).not.toHaveProperty('nextDelayMs');
      expect(records[2].gatewayTransactionId).toBe(
        result.outcome === 'succeeded' ? result.value.id : 'none',
      );
      expect(records.map((r) => r.gatewayRequestId)).toEqual(['req_1', 'req_2', 'req_3']);
      expect(records.every((r) => r.method === 'POST' && r.path === '/v1/charges')).toBe(true);
      expect(server.chargesCreated()).toBe(1);
      expect(new Set(server.requests.map((r) => r.headers['idempotency-key']))).toEqual(
        new Set(['idem-1']),
      );
    });

    it('awaits each record before the next attempt starts', async () => {
      server.enqueue({ status: 500 }, { status: 201 });
      const log: string[] = [];
      const { context } = recorder('idem-1', {
        onAttempt: async (record) => {
          log.push(`record ${record.attempt} start (requests: ${server.requests.length})`);
          await new Promise((resolve) => setTimeout(resolve, 50));
          log.push(`record ${record.attempt} end (requests: ${server.requests.length})`);
        },
      });

      await gateway().charge(CHARGE, context);

      expect(log).toEqual([
        'record 1 start (requests: 1)',
        'record 1 end (requests: 1)',
        'record 2 start (requests: 2)',
        'record 2 end (requests: 2)',
      ]);
    });

    it('sends the documented request', async () => {
      const { context } = recorder();

      await gateway().charge(CHARGE, context);

      const [request] = server.requests;
      expect(request).toMatchObject({
        method: 'POST',
        url: '/v1/charges',
        body: { paymentId: 'pay_1', amount: 5000, currency: 'EUR', orderId: 'o_1' },
      });
      expect(request.headers).toMatchObject({
        authorization: `Bearer ${API_KEY}`,
        'user-agent': 'integration-ledger-gateway-client/1',
        'idempotency-key': 'idem-1',
        'content-type': 'application/json',
      });
    });
  });

  describe('when the gateway answers 429 with Retry-After: 1', () => {
    it('waits at least a second before the next request', async () => {
      server.enqueue({ status: 429, headers: { 'retry-after': '1' } }, { status: 201 });
      const { context, records } = recorder();

      const result = await gateway().charge(CHARGE, context);

      expect(result.outcome).toBe('succeeded');
      expect(records[0]).toMatchObject({
        outcome: 'http_error',
        httpStatus: 429,
        nextDelayMs: 1000,
      });
      expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(1000);
    });
  });

  describe('when Retry-After is an HTTP-date', () => {
    it('retries at once for a date in the past', async () => {
      const past = new Date(Date.now() - 60_000).toUTCString();
      server.enqueue({ status: 503, headers: { 'retry-after': past } }, { status: 201 });
      const { context, records } = recorder();

      const result = await gateway().charge(CHARGE, context);

      expect(result.outcome).toBe('succeeded');
      expect(records[0]).toMatchObject({ httpStatus: 503, nextDelayMs: 0 });
    });

    it('stops retrying when the date is beyond the deadline', async () => {
      const later = new Date(Date.now() + 3_600_000).toUTCString();
      server.enqueue({ status: 503, headers: { 'retry-after': later } });
      const { context, records } = recorder();

      const result = await gateway().charge(CHARGE, context);

      expect(result).toEqual({ outcome: 'unknown', reason: 'http_503' });
      expect(records).toHaveLength(1);
      expect(records[0]).not.toHaveProperty('nextDelayMs');
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('when a 429 asks for a wait beyond the deadline', () => {
    it('stops with an unknown, rate-limited outcome (never a decline)', async () => {
      server.enqueue({ status: 429, headers: { 'retry-after': '120' } });
      const { context, records } = recorder();

      const result = await gateway().charge(CHARGE, context);

      expect(result).toEqual({ outcome: 'unknown', reason: 'rate_limited' });
      expect(records).toHaveLength(1);
      expect(server.chargesCreated()).toBe(0);
    });
  });

  describe('when the gateway refuses the request definitively', () => {
    it('returns a 402 as declined with the decline code, after one attempt', async () => {
      server.enqueue({
        status: 402,
        body: {
          error: { code: 'insufficient_funds', message: 'Insufficient funds' },
          charge: { id: 'ch_declined', status: 'declined', declineCode: 'insufficient_funds' },
        },
      });
      const { context, records } = recorder();

      const result = await gateway().charge(CHARGE, context);

      expect(result).toEqual({
        outcome: 'declined',
        code: 'insufficient_funds',
        reason: 'Insufficient funds',
        httpStatus: 402,
      });
      expect(records).toEqual([
        expect.objectContaining({
          attempt: 1,
          outcome: 'http_error',
          httpStatus: 402,
          gatewayTransactionId: 'ch_declined',
        }),
      ]);
    });

    it("takes the declined charge's decline code over the error's generic code", async () => {
      // The sandbox's 402: a generic error code, the specific reason on the charge (as its
      // webhook reports it), so both paths read `insufficient_funds`.
      server.enqueue({
        status: 402,
        body: {
          error: { code: 'card_declined', message: 'The card was declined (insufficient_funds)' },
          charge: { id: 'ch_51', status: 'declined', declineCode: 'insufficient_funds' },
        },
      });
      const { context } = recorder();

      const result = await gateway().charge(CHARGE, context);

      expect(result).toMatchObject({ outcome: 'declined', code: 'insufficient_funds' });
    });

    it.each([
      [
        400,
        { error: { code: 'invalid_request', message: 'amount is required' } },
        'invalid_request',
      ],
      [401, undefined, 'http_401'],
      [
        422,
        { error: { code: 'idempotency_key_reused', message: 'reused' } },
        'idempotency_key_reused',
      ],
    ])('returns %i as declined without retrying', async (status, body, code) => {
      server.enqueue({ status, body });
      const { context, records } = recorder();

      const result = await gateway().charge(CHARGE, context);

      expect(result).toMatchObject({ outcome: 'declined', code, httpStatus: status });
      expect(records).toHaveLength(1);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('when the gateway never answers', () => {
    it('times every attempt out, really aborts each request and ends unknown', async () => {
      server.enqueue({ hang: true }, { hang: true }, { hang: true });
      const { context, records } = recorder();

      const result = await gateway({
        attemptTimeoutMs: 200,
        maxAttempts: 3,
        deadlineMs: 2_000,
      }).charge(CHARGE, context);

      expect(result).toEqual({ outcome: 'unknown', reason: 'timeout' });
      expect(records.map((r) => [r.outcome, r.nextDelayMs])).toEqual([
        ['timeout', 5],
        ['timeout', 10],
        ['timeout', undefined],
      ]);
      await server.waitForAborted(3);
      expect(server.abortedRequests).toBe(3);
    });

    it('times an attempt out while its body trickles, and aborts that request', async () => {
      server.enqueue({ status: 201, stallBody: true }, { status: 201 });
      const { context, records } = recorder();

      const result = await gateway({ attemptTimeoutMs: 200 }).charge(CHARGE, context);

      expect(result).toMatchObject({ outcome: 'succeeded', httpStatus: 201 });
      expect(records.map((r) => [r.outcome, r.httpStatus])).toEqual([
        ['timeout', undefined],
        ['succeeded', 201],
      ]);
      expect(records[0].durationMs).toBeGreaterThanOrEqual(190);
      await server.waitForAborted(1);
      expect(server.abortedRequests).toBe(1);
      expect(server.chargesCreated()).toBe(1);
    });

    it('starts no retry that could not finish before the deadline', async () => {
      server.enqueue({ hang: true }, { hang: true });
      const { context, records } = recorder();

      const result = await gateway({ attemptTimeoutMs: 300, deadlineMs: 500 }).charge(
        CHARGE,
        context,
      );

      expect(result).toEqual({ outcome: 'unknown', reason: 'timeout' });
      expect(records).toHaveLength(1);
      expect(records[0]).not.toHaveProperty('nextDelayMs');
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('when the gateway cannot be reached', () => {
    it('records network errors and ends unknown', async () => {
      const baseUrl = server.baseUrl;
      await server.close();
      const { context, records } = recorder();

      const result = await gateway({ baseUrl, maxAttempts: 2 }).charge(CHARGE, context);

      expect(result).toEqual({ outcome: 'unknown', reason: 'network_error' });
      expect(records.map((r) => r.outcome)).toEqual(['network_error', 'network_error']);
      server = await startScriptedGateway();
    });

    it('times each attempt out while its connection cannot be set up, and gives the socket up', async () => {
      // A TCP server that accepts and never answers: an https client waits in its TLS handshake,
      // before any request is written.
      const held: Socket[] = [];
      let closed = 0;
      const silent = createServer((socket) => {
        held.push(socket);
        socket.resume();
        socket.on('close', () => (closed += 1));
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as AddressInfo;
      const { context, records } = recorder();
      try {
        const started = performance.now();
        const result = await gateway({
          baseUrl: `https://127.0.0.1:${port}`,
          attemptTimeoutMs: 200,
          maxAttempts: 2,
        }).charge(CHARGE, context);
        const elapsedMs = performance.now() - started;

        expect(result).toEqual({ outcome: 'unknown', reason: 'timeout' });
        expect(records.map((r) => r.outcome)).toEqual(['timeout', 'timeout']);
        // Bounds far above the 200 ms attempts (a busy CI machine) and far below undici's own
        // 10 s connect timeout, which is what an attempt would wait without its own.
        for (const record of records) expect(record.durationMs).toBeLessThan(2_500);
        expect(elapsedMs).toBeLessThan(5_000);
        // The client gives a stalled connection up within its connect timeout (the attempt's).
        const giveUpBy = performance.now() + 5_000;
        while (closed < held.length && performance.now() < giveUpBy) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(held.length).toBeGreaterThanOrEqual(1);
        expect(closed).toBe(held.length);
      } finally {
        for (const socket of held) socket.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });
  });

  describe('when the client has been closed', () => {
    it('refuses the call without sending or recording anything', async () => {
      const client = gateway();
      await client.close();
      const { context, records } = recorder();

      await expect(client.charge(CHARGE, context)).rejects.toBeInstanceOf(GatewayClientClosedError);
      expect(records).toHaveLength(0);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('when failures repeat', () => {
    it('opens the circuit, refuses calls without the network, then closes after a probe', async () => {
      server.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
      const client = gateway({ breakerThreshold: 3, maxAttempts: 4 });
      const first = recorder('idem-1');

      const failed = await client.charge(CHARGE, first.context);

      expect(failed).toEqual({ outcome: 'unknown', reason: 'circuit_open' });
      expect(first.records.map((r) => [r.outcome, r.breakerState])).toEqual([
        ['http_error', 'closed'],
        ['http_error', 'closed'],
        ['http_error', 'open'],
        ['circuit_open', 'open'],
      ]);
      expect(client.circuitState()).toBe('open');

      const refused = recorder('idem-2');
      const notAttempted = await client.charge({ ...CHARGE, paymentId: 'pay_2' }, refused.context);

      expect(notAttempted).toEqual({
        outcome: 'not_attempted',
        reason: 'circuit_open',
        retryAfterMs: expect.any(Number),
      });
      expect(refused.records).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'circuit_open', breakerState: 'open' }),
      ]);
      expect(refused.records[0]).not.toHaveProperty('httpStatus');
      expect(server.requests).toHaveLength(3);

      await new Promise((resolve) => setTimeout(resolve, 250));
      const probe = recorder('idem-3');
      const recovered = await client.charge({ ...CHARGE, paymentId: 'pay_3' }, probe.context);

      expect(recovered.outcome).toBe('succeeded');
      expect(probe.records).toEqual([
        expect.objectContaining({ outcome: 'succeeded', breakerState: 'closed' }),
      ]);
      expect(client.circuitState()).toBe('closed');
    });

    it('does not count declines against the circuit', async () => {
      server.enqueue({ status: 402 }, { status: 402 }, { status: 402 });
      const client = gateway({ breakerThreshold: 2 });

      for (const key of ['a', 'b', 'c']) await client.charge(CHARGE, recorder(key).context);

      expect(client.circuitState()).toBe('closed');
    });
  });

  describe('when the bulkhead is full', () => {
    it('rejects a concurrent call without touching the network', async () => {
      let release!: () => void;
      server.enqueue({ status: 201, hold: new Promise<void>((resolve) => (release = resolve)) });
      const client = gateway({ maxConcurrent: 1, maxQueued: 0, attemptTimeoutMs: 2_000 });
      const first = client.charge(CHARGE, recorder('idem-1').context);
      await server.waitForRequests(1);
      const second = recorder('idem-2');

      const rejected = await client.charge({ ...CHARGE, paymentId: 'pay_2' }, second.context);
      release();

      expect(rejected).toEqual({ outcome: 'not_attempted', reason: 'bulkhead_rejected' });
      expect(second.records).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'bulkhead_rejected' }),
      ]);
      expect((await first).outcome).toBe('succeeded');
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('when recording an attempt fails', () => {
    it('rejects with that error and makes no further attempt', async () => {
      server.enqueue({ status: 500 }, { status: 201 });
      const storeDown = new Error('store unavailable');
      const { context } = recorder('idem-1', { onAttempt: () => Promise.reject(storeDown) });

      await expect(gateway().charge(CHARGE, context)).rejects.toBe(storeDown);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('when refunding', () => {
    it('posts to the charge refunds path and records the refund', async () => {
      const { context, records } = recorder('idem-r1', { operation: 'refund', refundId: 'rf_1' });

      const result = await gateway().refund(
        { chargeId: 'ch_9', refundId: 'rf_1', amount: 1000, paymentId: 'pay_1' },
        context,
      );

      expect(result).toEqual({
        outcome: 'succeeded',
        httpStatus: 201,
        value: { id: 're_rf_1', status: 'succeeded', amount: 1000, chargeId: 'ch_9' },
      });
      expect(server.requests[0]).toMatchObject({
        url: '/v1/charges/ch_9/refunds',
        body: { refundId: 'rf_1', amount: 1000, paymentId: 'pay_1' },
      });
      expect(records).toEqual([
        expect.objectContaining({
          operation: 'refund',
          refundId: 'rf_1',
          path: '/v1/charges/ch_9/refunds',
          gatewayTransactionId: 're_rf_1',
        }),
      ]);
    });
  });

  describe('when reconciling with findCharge', () => {
    it('returns the newest charge of the payment, or nothing', async () => {
      const client = gateway();
      await client.charge(CHARGE, recorder('idem-1').context);

      const found = await client.findCharge('pay_1');
      const missing = await client.findCharge('pay_none');

      expect(found).toMatchObject({
        outcome: 'succeeded',
        value: { id: 'ch_1', status: 'succeeded', paymentId: 'pay_1', amount: 5000 },
      });
      expect(missing).toEqual({ outcome: 'succeeded', value: undefined, httpStatus: 200 });
      expect(server.requests[1]).toMatchObject({
        method: 'GET',
        url: '/v1/charges?paymentId=pay_1',
      });
      expect(server.requests[1].headers).not.toHaveProperty('idempotency-key');
    });
  });

  describe('when a success body does not match its schema', () => {
    const UNREADABLE = { outcome: 'unknown', reason: 'unreadable_response' };

    it('ends a charge unknown, recorded as succeeded without a transaction id', async () => {
      server.enqueue({
        status: 201,
        body: {
          id: 'ch_odd',
          status: 'pending',
          amount: 5000,
          currency: 'EUR',
          paymentId: 'pay_1',
        },
      });
      const { context, records } = recorder();

      const result = await gateway().charge(CHARGE, context);

      expect(result).toEqual(UNREADABLE);
      expect(records).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'succeeded', httpStatus: 201 }),
      ]);
      expect(records[0]).not.toHaveProperty('gatewayTransactionId');
    });

    it('ends a refund unknown when a member has the wrong type', async () => {
      server.enqueue({
        status: 201,
        body: { id: 're_1', status: 'succeeded', amount: '1000', chargeId: 'ch_9' },
      });
      const { context } = recorder('idem-r1', { operation: 'refund', refundId: 'rf_1' });

      const result = await gateway().refund(
        { chargeId: 'ch_9', refundId: 'rf_1', amount: 1000, paymentId: 'pay_1' },
        context,
      );

      expect(result).toEqual(UNREADABLE);
    });

    it('ends a charge lookup unknown when the list, or its newest charge, is malformed', async () => {
      server.enqueue({ status: 200, body: { data: { id: 'ch_1' } } });
      server.enqueue({ status: 200, body: { data: [{ id: 'ch_1', status: 'succeeded' }] } });
      const client = gateway();

      const notAList = await client.findCharge('pay_1');
      const partialCharge = await client.findCharge('pay_1');

      expect(notAList).toEqual(UNREADABLE);
      expect(partialCharge).toEqual(UNREADABLE);
    });

    it('returns only the documented members of a charge', async () => {
      server.enqueue({
        status: 201,
        body: {
          id: 'ch_7',
          status: 'succeeded',
          amount: 5000,
          currency: 'EUR',
          paymentId: 'pay_1',
          card: { last4: '4242' },
        },
      });

      const result = await gateway().charge(CHARGE, recorder().context);

      expect(result).toEqual({
        outcome: 'succeeded',
        httpStatus: 201,
        value: {
          id: 'ch_7',
          status: 'succeeded',
          amount: 5000,
          currency: 'EUR',
          paymentId: 'pay_1',
        },
      });
    });
  });

  describe('when anything is recorded, returned or thrown', () => {
    it('never contains the API key', async () => {
      const seen: unknown[] = [];
      const client = gateway({ breakerThreshold: 2, maxAttempts: 2, attemptTimeoutMs: 200 });
      server.enqueue({ status: 402, body: { error: { code: 'card_declined', message: 'no' } } });
      server.enqueue({ status: 500 }, { hang: true });
      for (const key of ['k1', 'k2', 'k3', 'k4']) {
        const { context, records } = recorder(key);
        seen.push(await client.charge(CHARGE, context), records);
      }
      seen.push(await client.findCharge('pay_1'));
      const unreachable = server.baseUrl;
      await server.close();
      const offline = gateway({ baseUrl: unreachable, maxAttempts: 1 });
      const { context, records } = recorder('k5');
      seen.push(await offline.charge(CHARGE, context), records);
      server = await startScriptedGateway();
      const errors: unknown[] = [];
      for (const options of [
        { deadlineMs: 10, attemptTimeoutMs: 100 },
        { baseUrl: `not a url ${API_KEY}` },
      ]) {
        try {
          gateway(options);
        } catch (error) {
          errors.push(error);
        }
      }
      seen.push(...errors, ...errors.map((error) => [inspect(error), String(error)]));
      seen.push(inspect(client), inspect(client, { showHidden: true }));

      const serialised = JSON.stringify(seen, (_key, value: unknown) =>
        value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
      );

      expect(errors).toEqual([
        expect.any(InvalidGatewayOptionsError),
        expect.any(InvalidGatewayOptionsError),
      ]);
      expect(serialised).toContain('circuit_open');
      expect(serialised).toContain('network_error');
      expect(serialised).not.toContain(API_KEY);
      expect(server.requests).toHaveLength(0);
    });
  });
});
