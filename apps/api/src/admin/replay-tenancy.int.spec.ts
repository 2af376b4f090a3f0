import { ledgerTemplateRules } from '@ledger/bus';
import { type StoredEvent } from '@ledger/event-store';
import {
  decodePaymentEvent,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  handleCommand,
} from '@ledger/ledger';
import { LocalBusReplayDelivery } from '@ledger/replay';
import { replayAdapters } from '@ledger/replay/aws';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { createTestApi, type TestApi } from '../testing/test-api';

// Admin work needs a key with the admin grant (the tenant's adminKeys).
const ACME = { authorization: 'Bearer test-admin-key-acme-0' };
const GLOBEX = { authorization: 'Bearer test-admin-key-globex' };
const OPERATOR = { authorization: 'Bearer test-key-operator-00' };
const NOW = '2026-04-04T04:04:04.000Z';
const RULE = 'PaymentReceiptsFunction.PaymentOutcomes';

interface Progress {
  replayId: string;
  status: string;
  processed: number;
  total?: number;
  checkpoint?: string;
  scope: Record<string, unknown>;
  result?: Record<string, unknown>;
}

describe('replays and tenants', () => {
  let ledger: TestLedger;
  let api: TestApi;
  let all: StoredEvent[];
  const globexEvents = (): StoredEvent[] => all.filter((e) => e.streamId.startsWith('globex#'));

  async function succeed(tenantId: string, paymentId: string): Promise<void> {
    for (const [type, data] of [
      ['RequestPayment', { paymentId, amount: 800, currency: 'EUR' }],
      ['ConcludeCharge', { outcome: 'succeeded', source: 'gateway_response' }],
    ] as const) {
      await handleCommand(
        ledger.store,
        paymentDecider,
        decodePaymentEvent,
        paymentStreamId(tenantId, paymentId),
        {
          type,
          data,
          metadata: { now: NOW, tenantId },
        } as PaymentCommand,
      );
    }
  }

  beforeAll(async () => {
    ledger = await createTestLedger('replay-tenancy');
    api = await createTestApi(ledger, {
      replays: {
        // Dry runs deliver nothing; the adapter is only there for the job to be accepted.
        republish: {
          delivery: new LocalBusReplayDelivery('http://127.0.0.1:1'),
          rules: ledgerTemplateRules(),
        },
      },
    });
    // globex first and acme last, so acme's events end the store's global order.
    await succeed('globex', 'pay_g1');
    for (const id of ['pay_a1', 'pay_a2', 'pay_a3']) await succeed('acme', id);
    all = [];
    for await (const event of ledger.store.readAll()) all.push(event);
  });

  afterAll(async () => {
    await api.close();
    await ledger.close();
  });

  async function start(payload: object, headers: Record<string, string>) {
    return api.app.inject({ method: 'POST', url: '/admin/replays', headers, payload });
  }

  async function finished(payload: object, headers: Record<string, string>): Promise<Progress> {
    const started = await start(payload, headers);
    expect(started.statusCode).toBe(202);
    await api.deps.handlers.startReplay.idle();
    const { replayId } = started.json<{ replayId: string }>();
    const progress = await api.app.inject({
      method: 'GET',
      url: `/admin/replays/${replayId}`,
      headers,
    });
    expect(progress.statusCode).toBe(200);
    return progress.json<Progress>();
  }

  describe('when a tenant replays its own events', () => {
    it('an in-place rebuild reads and counts only its events, and names no other tenant', async () => {
      const job = await finished({ kind: 'rebuild' }, GLOBEX);

      expect(job).toMatchObject({ status: 'completed', scope: { tenantId: 'globex' } });
      expect(job.processed).toBe(globexEvents().length);
      expect(JSON.stringify(job)).not.toContain('acme');
    });

    it("a dry-run republish checkpoints only at its own events, whatever the scope's end", async () => {
      const to = new Date(Date.parse(all[all.length - 1].recordedAt) + 1).toISOString();

      const job = await finished(
        { kind: 'republish', rule: RULE, dryRun: true, scope: { to } },
        GLOBEX,
      );

      expect(job.status).toBe('completed');
      expect(job.processed).toBe(globexEvents().length);
      expect(job.checkpoint).toBe(globexEvents().at(-1)?.position);
      expect(JSON.stringify(job)).not.toContain('acme');
    });

    it('a dry-run rebuild surveys only its events', async () => {
      const job = await finished({ kind: 'rebuild', dryRun: true }, GLOBEX);

      expect(job.result).toMatchObject({ events: globexEvents().length, payments: 1 });
      expect(JSON.stringify(job)).not.toContain('acme');
    });
  });

  describe("when a tenant key asks for store-wide or another tenant's work", () => {
    it.each([[{ kind: 'rebuild', storeWide: true }], [{ kind: 'rebuild', tenantId: 'acme' }]])(
      'refuses %j with 403 operator_key_required',
      async (payload) => {
        const response = await start(payload, GLOBEX);

        expect(response.statusCode).toBe(403);
        expect(response.json()).toMatchObject({ code: 'operator_key_required' });
      },
    );
  });

  describe('when an operator replays', () => {
    it('reaches the whole store, and no tenant can see that job', async () => {
      const job = await finished({ kind: 'rebuild', dryRun: true, storeWide: true }, OPERATOR);
      const asTenant = await api.app.inject({
        method: 'GET',
        url: `/admin/replays/${job.replayId}`,
        headers: ACME,
      });

      expect(job.scope).toEqual({});
      expect(job.result).toMatchObject({ events: all.length, payments: 4 });
      expect(asTenant.statusCode).toBe(404);
    });

    it('replays one named tenant', async () => {
      const job = await finished({ kind: 'rebuild', tenantId: 'globex' }, OPERATOR);

      expect(job).toMatchObject({ status: 'completed', scope: { tenantId: 'globex' } });
      expect(job.processed).toBe(globexEvents().length);
    });

    it.each([
      [{ kind: 'rebuild' }, 400, 'validation_failed'],
      [{ kind: 'rebuild', tenantId: 'initech' }, 400, 'validation_failed'],
    ])('refuses %j with %d %s', async (payload, status, code) => {
      const response = await start(payload, OPERATOR);

      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ code });
    });

    it("cannot use an operator key on a tenant's payments", async () => {
      const response = await api.app.inject({
        method: 'GET',
        url: '/payments/pay_a1',
        headers: OPERATOR,
      });

      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'tenant_key_required' });
    });
  });
  describe("when a job recorded before tenant-only reads holds another tenant's position", () => {
    it('leaves that position out of what the tenant sees', async () => {
      const replayId = '01JTENANTSOLDJOB0000000000';
      const acmePosition = all.find((e) => e.streamId.startsWith('acme#'))!.position;
      await replayAdapters(ledger.storage).jobs.create({
        replayId,
        kind: 'republish',
        scope: { tenantId: 'globex' },
        status: 'interrupted',
        dryRun: true,
        processed: 3,
        checkpoint: acmePosition,
        startedAt: NOW,
        updatedAt: NOW,
      });

      const seen = await api.app.inject({
        method: 'GET',
        url: `/admin/replays/${replayId}`,
        headers: GLOBEX,
      });

      expect(seen.statusCode).toBe(200);
      expect(seen.json()).toMatchObject({ replayId, processed: 3 });
      expect(seen.body).not.toContain('acme');
    });
  });
});
