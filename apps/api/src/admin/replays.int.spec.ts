import {
  decodePaymentEvent,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  handleCommand,
} from '@ledger/ledger';
import { PaymentProjector, type GenerationDocuments } from '@ledger/projections';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { createTestApi, type TestApi } from '../testing/test-api';

// Admin work needs a key with the admin grant (the tenant's adminKeys).
const ACME = { authorization: 'Bearer test-admin-key-acme-0' };
const GLOBEX = { authorization: 'Bearer test-admin-key-globex' };
const NOW = '2026-03-03T03:03:03.000Z';

describe('/admin/replays', () => {
  let ledger: TestLedger;
  let api: TestApi;
  let documents: GenerationDocuments;

  beforeAll(async () => {
    ledger = await createTestLedger('admin-replays');
    api = await createTestApi(ledger);
    documents = projectionAdapters(ledger.storage).documentsOf(FIRST_GENERATION);
    const projector = new PaymentProjector(ledger.store, documents);
    for (const [type, data] of [
      ['RequestPayment', { paymentId: 'pay_r1', amount: 800, currency: 'EUR' }],
      ['ConcludeCharge', { outcome: 'succeeded', source: 'gateway_response' }],
    ] as const) {
      await handleCommand(
        ledger.store,
        paymentDecider,
        decodePaymentEvent,
        paymentStreamId('acme', 'pay_r1'),
        {
          type,
          data,
          metadata: { now: NOW, tenantId: 'acme' },
        } as PaymentCommand,
      );
    }
    for await (const event of ledger.store.readAll()) await projector.handle(event);
  });

  afterAll(async () => {
    await api.close();
    await ledger.close();
  });

  async function progress(replayId: string, headers = ACME) {
    return api.app.inject({ method: 'GET', url: `/admin/replays/${replayId}`, headers });
  }

  /** POST /admin/replays as acme, to the shared API unless another is given. */
  async function startReplay(payload: object, app = api.app) {
    return app.inject({ method: 'POST', url: '/admin/replays', headers: ACME, payload });
  }

  describe('when a tenant rebuilds one of its payments', () => {
    it('answers 202, reports progress, and repairs the document in place', async () => {
      const good = (await documents.get('acme', 'pay_r1'))!;
      await documents.put({ ...good, state: { ...good.state, capturedAmount: 1 } }, good.version);

      const started = await startReplay({ kind: 'rebuild', scope: { paymentId: 'pay_r1' } });
      const { replayId } = started.json<{ replayId: string }>();
      await api.deps.handlers.startReplay.idle();
      const done = await progress(replayId);

      expect(started.statusCode).toBe(202);
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({
        replayId,
        kind: 'rebuild',
        status: 'completed',
        scope: { tenantId: 'acme' },
      });
      expect(await documents.get('acme', 'pay_r1')).toEqual(good);
    });
  });

  describe('when a tenant key without the admin grant asks', () => {
    it.each([
      ['POST', '/admin/replays'],
      ['GET', '/admin/replays/01J00000000000000000000000'],
    ])('refuses %s %s with 403 admin_grant_required', async (method, url) => {
      const response = await api.app.inject({
        method: method as 'POST',
        url,
        headers: { authorization: 'Bearer test-key-acme-0000' },
        payload: { kind: 'rebuild', dryRun: true },
      });

      expect(response.statusCode).toBe(403);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'admin_grant_required', status: 403 });
    });
  });

  describe('when another tenant asks for the progress', () => {
    it('does not find it', async () => {
      const started = await startReplay({ kind: 'rebuild', dryRun: true });
      await api.deps.handlers.startReplay.idle();

      const foreign = await progress(started.json<{ replayId: string }>().replayId, GLOBEX);

      expect(foreign.statusCode).toBe(404);
      expect(foreign.json()).toMatchObject({ code: 'replay_not_found' });
    });
  });

  describe('when the request is not valid', () => {
    it.each([
      [{ kind: 'rewind' }],
      [{ kind: 'republish' }],
      [{ kind: 'rebuild', scope: { from: 'yesterday' } }],
    ])('refuses %j with 400', async (payload) => {
      const response = await startReplay(payload);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
    });

    it('needs an API key', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/admin/replays',
        payload: { kind: 'rebuild' },
      });

      expect(response.statusCode).toBe(401);
    });
  });

  describe('when a replay worker is configured (as in AWS)', () => {
    it('records the job and hands it to the worker, running nothing itself', async () => {
      const handedOver: string[] = [];
      const withWorker = await createTestApi(ledger, {
        replays: { dispatch: (job) => Promise.resolve(void handedOver.push(job.replayId)) },
      });
      try {
        const started = await startReplay(
          { kind: 'rebuild', scope: { paymentId: 'pay_r1' } },
          withWorker.app,
        );
        const { replayId } = started.json<{ replayId: string }>();
        await withWorker.deps.handlers.startReplay.idle();

        expect(started.statusCode).toBe(202);
        expect(handedOver).toEqual([replayId]);
        expect((await progress(replayId)).json()).toMatchObject({
          status: 'running',
          processed: 0,
        });
      } finally {
        await withWorker.close();
      }
    });

    it('answers 503 and marks the job failed when the worker cannot be reached', async () => {
      let replayId: string | undefined;
      const withWorker = await createTestApi(ledger, {
        replays: {
          dispatch: (job) => {
            replayId = job.replayId;
            return Promise.reject(new Error('TooManyRequestsException: rate exceeded'));
          },
        },
      });
      try {
        const started = await startReplay(
          { kind: 'rebuild', scope: { paymentId: 'pay_r1' } },
          withWorker.app,
        );

        expect(started.statusCode).toBe(503);
        expect(started.headers['retry-after']).toBe('5');
        expect(started.json()).toMatchObject({ code: 'replay_worker_unavailable' });
        expect((await progress(replayId!)).json()).toMatchObject({
          status: 'failed',
          error: expect.stringContaining('rate exceeded') as unknown,
        });
      } finally {
        await withWorker.close();
      }
    });
  });
});
