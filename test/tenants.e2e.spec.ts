import type { StoredEvent } from '@ledger/event-store';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { decodePaymentEvent, paymentStreamId, webhookLinkOf } from '@ledger/ledger';
import { engineStorage } from './support/engine-client';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

// The committed example configuration's keys (placeholders).
const KEYS = { acme: 'local-dev-key-acme', globex: 'local-dev-key-globex' } as const;
const PROVIDERS = { acme: 'sandbox', globex: 'sandbox-globex' } as const;

type Tenant = keyof typeof KEYS;

/** The webhook delivery a stored payment event links (a `WebhookLinked`, or a state event's `webhook`). */
function linkOf(event: StoredEvent) {
  const decoded = decodePaymentEvent(event);
  return decoded === undefined ? undefined : webhookLinkOf(decoded);
}

describe('tenants, end to end through their own gateway accounts', () => {
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

  async function eventsOf(tenant: Tenant, paymentId: string): Promise<StoredEvent[]> {
    return (await storage.eventStore.readStream(paymentStreamId(tenant, paymentId))).events;
  }

  /** Waits, with a generous limit for a busy machine, until the payment has a linked webhook. */
  async function linkedEvents(tenant: Tenant, paymentId: string): Promise<StoredEvent[]> {
    const deadline = Date.now() + 40_000;
    let events = await eventsOf(tenant, paymentId);
    while (!events.some((e) => linkOf(e) !== undefined) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      events = await eventsOf(tenant, paymentId);
    }
    return events;
  }

  async function pay(tenant: Tenant): Promise<{ paymentId: string; status: string }> {
    const response = await fetch(`${ledger.baseUrl}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEYS[tenant]}`,
        'idempotency-key': `e2e-tenants-${tenant}`,
        'content-type': 'application/json',
      },
      // The same order id and amount in both tenants: a weak reference that must not cross.
      body: JSON.stringify({ amount: 3100, currency: 'EUR', orderId: 'order-shared-e2e' }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { paymentId: string; status: string };
  }

  describe('when two tenants charge the same order', () => {
    it("each charge's webhook reaches its own tenant's provider and only its own payment", async () => {
      const acme = await pay('acme');
      const globex = await pay('globex');

      const [acmeEvents, globexEvents] = await Promise.all([
        linkedEvents('acme', acme.paymentId),
        linkedEvents('globex', globex.paymentId),
      ]);
      const links = (events: StoredEvent[]) =>
        events.map(linkOf).filter((link) => link !== undefined);

      expect([acme.status, globex.status]).toEqual(['succeeded', 'succeeded']);
      expect(links(acmeEvents).map((link) => link.provider)).toEqual([PROVIDERS.acme]);
      expect(links(globexEvents).map((link) => link.provider)).toEqual([PROVIDERS.globex]);
      expect(new Set(links(acmeEvents).map((link) => link.deliveryEventId)).size).toBe(1);
      const acmeTransaction = acmeEvents.find((e) => e.type === 'PaymentSucceeded')?.data
        .gatewayTransactionId;
      const globexTransaction = globexEvents.find((e) => e.type === 'PaymentSucceeded')?.data
        .gatewayTransactionId;
      expect(acmeTransaction).toBeDefined();
      expect(acmeTransaction).not.toBe(globexTransaction);
    });
  });
});
