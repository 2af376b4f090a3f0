import { startSandboxTestKit, eventually, type SandboxTestKit } from './testing/sandbox-test-kit';

const charge = { paymentId: 'pay_1', amount: 1000, currency: 'EUR' };

describe('sandbox gateway fault injection', () => {
  let kit: SandboxTestKit;

  afterEach(async () => {
    await kit.stop();
  });

  describe('when errors are scripted', () => {
    beforeEach(async () => {
      kit = await startSandboxTestKit();
    });

    it('answers the scripted 500s, then handles normally and charges once', async () => {
      kit.gateway.script([{ status: 500 }, { status: 500 }]);

      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        statuses.push((await kit.charge(charge, 'key-1')).status);
      }

      expect(statuses).toEqual([500, 500, 201]);
      expect(kit.gateway.stats()).toMatchObject({
        chargesCreated: 1,
        requestsByIdempotencyKey: { 'key-1': 3 },
      });
    });

    it('sends Retry-After with a scripted 429', async () => {
      kit.gateway.script([{ status: 429, retryAfter: '7' }]);

      const answer = await kit.charge(charge, 'key-1');

      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('7');
      expect(answer.body.error.code).toBe('rate_limited');
      expect(kit.gateway.stats().chargesCreated).toBe(0);
    });

    it('counts a hung request the client aborts, without charging', async () => {
      kit.gateway.script([{ hang: true }]);

      await expect(kit.charge(charge, 'key-1', AbortSignal.timeout(200))).rejects.toThrow();

      await eventually(() => kit.gateway.stats().abortedRequests === 1);
      expect(kit.gateway.stats().chargesCreated).toBe(0);
      expect(kit.webhooks.deliveries).toHaveLength(0);
    });

    it('charges behind a hang after processing, so the same key then replays the charge', async () => {
      kit.gateway.script([{ hang: true, afterProcessing: true }]);

      await expect(kit.charge(charge, 'key-1', AbortSignal.timeout(200))).rejects.toThrow();
      const retried = await kit.charge(charge, 'key-1');

      expect(retried.status).toBe(201);
      expect(kit.gateway.stats().chargesCreated).toBe(1);
      const listed = await kit.call('GET', '/v1/charges?paymentId=pay_1');
      expect(listed.body.data).toEqual([expect.objectContaining({ id: retried.body.id })]);
    });
  });

  describe('when faults are random', () => {
    it('answers 429 with Retry-After at the configured rate', async () => {
      kit = await startSandboxTestKit({
        faults: { rateLimitRate: 0.5, retryAfterSeconds: 3 },
        random: () => 0.2,
      });

      const answer = await kit.charge(charge, 'key-1');

      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('3');
    });

    it('answers 503 with Retry-After when the server error draw picks it', async () => {
      const draws = [0.1, 0.9];
      kit = await startSandboxTestKit({
        faults: { serverErrorRate: 0.5 },
        random: () => draws.shift() ?? 0.99,
      });

      const failed = await kit.charge(charge, 'key-1');
      const handled = await kit.charge(charge, 'key-1');

      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('1');
      expect(handled.status).toBe(201);
    });

    it('drops the connection without an answer, and charges nothing', async () => {
      kit = await startSandboxTestKit({ faults: { dropRate: 1 } });

      await expect(kit.charge(charge, 'key-1')).rejects.toThrow();

      expect(kit.gateway.stats().chargesCreated).toBe(0);
    });

    it('drops the answer after charging when the fault strikes after processing', async () => {
      kit = await startSandboxTestKit({
        faults: { dropRate: 0.5, afterProcessingRate: 0.5 },
        random: (() => {
          const draws = [0.1, 0.1];
          return () => draws.shift() ?? 0.99;
        })(),
      });

      await expect(kit.charge(charge, 'key-1')).rejects.toThrow();
      const retried = await kit.charge(charge, 'key-1');

      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBe('true');
      expect(kit.gateway.stats().chargesCreated).toBe(1);
    });

    it('adds the configured latency', async () => {
      kit = await startSandboxTestKit({ faults: { latencyMs: 250 } });

      const started = Date.now();
      await kit.call('GET', '/v1/charges?paymentId=pay_1');

      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    });
  });

  describe('when controlled over HTTP', () => {
    beforeEach(async () => {
      kit = await startSandboxTestKit();
    });

    it('scripts, reports stats and resets without the API key', async () => {
      const scripted = await kit.call('POST', '/_control/script', {
        body: { responses: [{ status: 503 }] },
        apiKey: null,
      });
      const failed = await kit.charge(charge, 'key-1');
      const stats = await kit.call('GET', '/_control/stats', { apiKey: null });
      const reset = await kit.call('POST', '/_control/reset', { apiKey: null });

      expect(scripted.body).toEqual({ queued: 1 });
      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('1');
      expect(stats.body).toMatchObject({ requests: 1, chargesCreated: 0 });
      expect(reset.status).toBe(200);
      expect(kit.gateway.stats().requests).toBe(0);
    });

    it('sets faults and rejects invalid ones with 400', async () => {
      const set = await kit.call('POST', '/_control/faults', {
        body: { rateLimitRate: 1 },
        apiKey: null,
      });
      const invalid = await kit.call('POST', '/_control/faults', {
        body: { hangRate: 2 },
        apiKey: null,
      });
      const limited = await kit.charge(charge, 'key-1');

      expect(set.body.faults).toMatchObject({ rateLimitRate: 1 });
      expect(invalid.status).toBe(400);
      expect(limited.status).toBe(429);
    });
  });
});
