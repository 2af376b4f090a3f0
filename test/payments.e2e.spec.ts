import type { LedgerStorage, StoredEvent } from '@ledger/event-store';
import { paymentStreamId } from '@ledger/ledger';
import { engineStorage } from './support/engine-client';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

const ACME_KEY = 'local-dev-key-acme';
// The committed example configuration's gateway key (a placeholder).
const GATEWAY_API_KEY = 'sandbox-key-local-only';

describe('payments, end to end through the sandbox gateway', () => {
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

  async function eventsOf(paymentId: string): Promise<StoredEvent[]> {
    return (await storage.eventStore.readStream(paymentStreamId('acme', paymentId))).events;
  }

  async function waitForEvents(paymentId: string, done: (events: StoredEvent[]) => boolean) {
    const deadline = Date.now() + 20_000;
    let events = await eventsOf(paymentId);
    while (!done(events) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      events = await eventsOf(paymentId);
    }
    return events;
  }

  describe('when a payment is created over HTTP', () => {
    it("succeeds, and the sandbox's signed webhook is linked to it with every attempt recorded", async () => {
      const response = await fetch(`${ledger.baseUrl}/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ACME_KEY}`,
          'idempotency-key': 'e2e-payment-1',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ amount: 4200, currency: 'EUR', orderId: 'order-e2e-1' }),
      });
      const created = (await response.json()) as { paymentId: string; status: string };

      expect(response.status).toBe(201);
      expect(created.status).toBe('succeeded');
      const events = await waitForEvents(created.paymentId, (all) =>
        all.some((e) => e.type === 'WebhookLinked'),
      );
      const types = events.map((e) => e.type);
      expect(types).toContain('PaymentRequested');
      expect(types).toContain('GatewayCallAttempted');
      expect(types.filter((t) => t === 'PaymentSucceeded')).toHaveLength(1);
      const linked = events.find((e) => e.type === 'WebhookLinked');
      expect(linked?.data).toMatchObject({
        provider: 'sandbox',
        providerEventType: 'payment.completed',
      });
      const delivery = await storage.eventStore.readStream(String(linked?.data.deliveryStreamId));
      expect(delivery.events[0].type).toBe('WebhookReceived');
      // Neither the gateway's API key nor a tenant's ever reaches a log line or a stored event.
      const stored = JSON.stringify([...events, ...delivery.events]);
      for (const secret of [GATEWAY_API_KEY, ACME_KEY]) {
        expect(ledger.output()).not.toContain(secret);
        expect(stored).not.toContain(secret);
      }
    });
  });

  describe('when a payment is declined by the gateway', () => {
    it('fails, and the failure webhook is linked too', async () => {
      const response = await fetch(`${ledger.baseUrl}/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ACME_KEY}`,
          'idempotency-key': 'e2e-payment-2',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ amount: 1051, currency: 'EUR' }),
      });
      const created = (await response.json()) as { paymentId: string; status: string };

      expect(created.status).toBe('failed');
      const events = await waitForEvents(created.paymentId, (all) =>
        all.some((e) => e.type === 'WebhookLinked'),
      );
      expect(events.find((e) => e.type === 'WebhookLinked')?.data).toMatchObject({
        providerEventType: 'payment.failed',
      });
      expect(events.filter((e) => e.type === 'PaymentFailed')).toHaveLength(1);
    });
  });
});
