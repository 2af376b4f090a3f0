import type { StoredEvent } from '@ledger/event-store';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { evolvePaymentDocument, type PaymentDocument } from '@ledger/projections';
import { engineStorage, eventItems } from './support/engine-client';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';
import { paymentViewAt } from './support/read-model';

const ACME = { authorization: 'Bearer local-dev-key-acme' };
const GLOBEX = { authorization: 'Bearer local-dev-key-globex' };

describe('the payments read model, end to end', () => {
  let env: Record<string, string>;
  let ledger: LedgerProcess;
  let storage: LedgerStorage;

  beforeAll(async () => {
    env = await isolatedEnv();
    ledger = spawnLedger(env);
    await waitForHealthy(ledger);
    storage = engineStorage(env);
  });

  afterAll(async () => {
    storage?.dynamoDb.destroy();
    await ledger?.stop();
  });

  async function json(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${ledger.baseUrl}${path}`, init);
    return { status: response.status, body: await response.json() };
  }

  function createPayment(key: string, amount: number) {
    return json('/payments', {
      method: 'POST',
      headers: { ...ACME, 'idempotency-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ amount, currency: 'EUR', customerId: 'cus_e2e_proj' }),
    });
  }

  async function cleanFold(streamId: string): Promise<PaymentDocument | null> {
    let document: PaymentDocument | null = null;
    for await (const event of storage.eventStore.readWholeStream(streamId)) {
      document = evolvePaymentDocument(document, event);
    }
    return document;
  }

  describe('when a payment goes through the sandbox', () => {
    it('shows succeeded with its full history over HTTP, and nothing to another tenant', async () => {
      const created = await createPayment('proj-e2e-1', 3100);
      const { paymentId, version } = created.body as { paymentId: string; version: number };

      const view = { body: await paymentViewAt(ledger.baseUrl, ACME, paymentId, version) };
      const history = await json(`/payments/${paymentId}/history`, { headers: ACME });
      const foreign = await json(`/payments/${paymentId}`, { headers: GLOBEX });
      const foreignList = await json('/payments', { headers: GLOBEX });

      // The sandbox's webhook may already be linked (a later version): at least ours is reflected.
      expect(view.body).toMatchObject({ paymentId, status: 'succeeded' });
      expect(view.body.version).toBeGreaterThanOrEqual(version);
      const events = history.body.events as StoredEvent[];
      const types = events.map((e) => e.type);
      expect(types[0]).toBe('PaymentRequested');
      expect(types).toContain('GatewayCallAttempted');
      expect(types.filter((t) => t === 'PaymentSucceeded')).toHaveLength(1);
      expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
      expect(foreign.status).toBe(404);
      expect(foreignList.body.items).toEqual([]);
    });
  });

  describe('when the whole service is killed mid-load and started again', () => {
    it('loses nothing and double-counts nothing in the read model', async () => {
      let sent = 0;
      const load = Array.from({ length: 4 }, async (_, lane) => {
        for (let i = 0; i < 12; i++) {
          await createPayment(`kill-${lane}-${i}`, 1000 + lane * 100 + i * 3).catch(
            () => undefined,
          );
          sent += 1;
        }
      });
      while (sent < 10) await new Promise((r) => setTimeout(r, 50));

      await ledger.stop('SIGKILL');
      await Promise.all(load);
      ledger = spawnLedger(env);
      await waitForHealthy(ledger);

      const streams = [
        ...new Set((await eventItems(storage, '#payment#')).map((i) => String(i.pk))),
      ].filter((pk) => pk.startsWith('acme#payment#'));
      expect(streams.length).toBeGreaterThan(5);
      for (const streamId of streams) {
        const expected = await cleanFold(streamId);
        const paymentId = streamId.slice('acme#payment#'.length);
        const view = await paymentViewAt(ledger.baseUrl, ACME, paymentId, expected!.version);
        expect(view).toMatchObject({
          version: expected!.version,
          status: expected!.state.status,
          capturedAmount: expected!.state.capturedAmount,
          attempts: expected!.state.attempts,
        });
      }
    });
  });
});
