import type { StoredEvent } from '@ledger/event-store';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { decodePaymentEvent, paymentStreamId, webhookLinkOf } from '@ledger/ledger';
import { interpretPayload, signFor } from '@ledger/webhooks';
import { waitUntil } from '@ledger/testing';
import { engineStorage } from './support/engine-client';
import { paymentViewAt } from './support/read-model';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

const ACME_KEY = 'local-dev-key-acme';
// The committed example configuration's gateway key (a placeholder).
const GATEWAY_API_KEY = 'sandbox-key-local-only';
// The committed local example configuration's sandbox provider (a placeholder secret).
const SANDBOX_SECRET = 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=';

/** The webhook delivery a stored payment event links (a `WebhookLinked`, or a state event's `webhook`). */
function linkOf(event: StoredEvent) {
  const decoded = decodePaymentEvent(event);
  return decoded === undefined ? undefined : webhookLinkOf(decoded);
}

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
    let events: StoredEvent[] = [];
    await waitUntil(
      async () => {
        events = await eventsOf(paymentId);
        return done(events);
      },
      { intervalMs: 200, what: `the events awaited on ${paymentId}` },
    );
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
        all.some((e) => linkOf(e) !== undefined),
      );
      const types = events.map((e) => e.type);
      expect(types).toContain('PaymentRequested');
      expect(types).toContain('GatewayCallAttempted');
      expect(types.filter((t) => t === 'PaymentSucceeded')).toHaveLength(1);
      const linked = events.map(linkOf).find((link) => link !== undefined);
      expect(linked).toMatchObject({
        provider: 'sandbox',
        providerEventType: 'payment.completed',
      });
      const delivery = await storage.eventStore.readStream(String(linked?.deliveryStreamId));
      expect(delivery.events[0].type).toBe('WebhookReceived');
      // Neither the gateway's API key nor a tenant's ever reaches a log line or a stored event.
      const stored = JSON.stringify([...events, ...delivery.events]);
      for (const secret of [GATEWAY_API_KEY, ACME_KEY]) {
        expect(ledger.output()).not.toContain(secret);
        expect(stored).not.toContain(secret);
      }
    });
  });

  describe('when a payment is asked for with Prefer: respond-async', () => {
    it('answers 202, and the charger ledger start runs charges it through the sandbox', async () => {
      const response = await fetch(`${ledger.baseUrl}/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ACME_KEY}`,
          'idempotency-key': 'e2e-async-1',
          'content-type': 'application/json',
          prefer: 'respond-async',
        },
        body: JSON.stringify({ amount: 4300, currency: 'EUR' }),
      });
      const accepted = (await response.json()) as { paymentId: string; status: string };

      const events = await waitForEvents(accepted.paymentId, (all) =>
        all.some((e) => e.type === 'PaymentSucceeded'),
      );

      expect(response.status).toBe(202);
      expect(response.headers.get('location')).toBe(`/payments/${accepted.paymentId}`);
      expect(accepted.status).toBe('requested');
      const attempt = events.find((e) => e.type === 'GatewayCallAttempted');
      expect(attempt?.metadata.actor).toBe('charger');
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
        all.some((e) => linkOf(e) !== undefined),
      );
      expect(events.map(linkOf).find((link) => link !== undefined)).toMatchObject({
        providerEventType: 'payment.failed',
      });
      expect(events.filter((e) => e.type === 'PaymentFailed')).toHaveLength(1);
    });

    it("reads the same as the gateway's webhook of the same decline", async () => {
      const created = await createPayment({ amount: 2051, currency: 'EUR' }, 'e2e-payment-51');
      const events = await waitForEvents(created.paymentId, (all) =>
        all.some((e) => linkOf(e) !== undefined),
      );
      const linked = events.map(linkOf).find((link) => link !== undefined);
      const delivery = await storage.eventStore.readStream(String(linked?.deliveryStreamId));
      const webhook = interpretPayload(
        JSON.parse(Buffer.from(delivery.events[0].data.body as Uint8Array).toString('utf8')),
      );
      const view = (await paymentViewAt(
        ledger.baseUrl,
        ACME,
        created.paymentId,
        Math.max(...events.map((e) => e.version)),
      )) as { status: string; statusReason: string; declineCode: string };

      expect(view).toMatchObject({
        status: 'failed',
        statusReason: 'insufficient_funds',
        declineCode: 'insufficient_funds',
      });
      expect(webhook).toMatchObject({
        intent: 'payment_failed',
        reason: view.statusReason,
        declineCode: view.declineCode,
      });
    });
  });

  describe('when the gateway later says a failed payment succeeded', () => {
    it('records the contradiction, shows it on the payment and lists it under contradicted=true', async () => {
      const created = await createPayment({ amount: 3002, currency: 'EUR' }, 'e2e-payment-3');
      expect(created.status).toBe('failed');
      const body = JSON.stringify({
        id: 'evt_e2e_contradiction',
        type: 'payment.completed',
        data: {
          transactionId: 'ch_e2e_contradiction',
          paymentId: created.paymentId,
          amount: 3002,
          currency: 'EUR',
        },
      });

      const delivered = await fetch(`${ledger.baseUrl}/webhooks/sandbox`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signFor('standard-webhooks', SANDBOX_SECRET, body, { id: 'msg_e2e_contradiction' }),
        },
        body,
      });
      expect(delivered.status).toBe(200);
      const events = await waitForEvents(created.paymentId, (all) =>
        all.some((e) => e.type === 'PaymentOutcomeContradicted'),
      );
      const contradicted = events.find((e) => e.type === 'PaymentOutcomeContradicted');
      const version = Math.max(...events.map((e) => e.version));
      const view = (await paymentViewAt(ledger.baseUrl, ACME, created.paymentId, version)) as {
        status: string;
        contradictions: unknown[];
      };
      const listed = await waitForList('?contradicted=true', (ids) =>
        ids.includes(created.paymentId),
      );

      expect(contradicted?.data).toMatchObject({
        reported: 'payment_succeeded',
        recordedStatus: 'failed',
        conflict: 'payment_failed_at_ledger',
        source: 'webhook',
        gatewayTransactionId: 'ch_e2e_contradiction',
      });
      expect(view.status).toBe('failed');
      expect(view.contradictions).toEqual([
        expect.objectContaining({ reported: 'payment_succeeded', recordedStatus: 'failed' }),
      ]);
      expect(listed).toContain(created.paymentId);
      expect(await listIds('?contradicted=false')).not.toContain(created.paymentId);
    });
  });

  const ACME = { authorization: `Bearer ${ACME_KEY}` };

  async function createPayment(
    body: object,
    key: string,
  ): Promise<{ paymentId: string; status: string }> {
    const response = await fetch(`${ledger.baseUrl}/payments`, {
      method: 'POST',
      headers: { ...ACME, 'idempotency-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { paymentId: string; status: string };
  }

  async function listIds(query: string): Promise<string[]> {
    const response = await fetch(`${ledger.baseUrl}/payments${query}`, { headers: ACME });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Array<{ paymentId: string }> };
    return page.items.map((item) => item.paymentId);
  }

  // The list reads the projection, which follows the stream: wait for it, generously.
  async function waitForList(query: string, done: (ids: string[]) => boolean) {
    const deadline = Date.now() + 20_000;
    let ids = await listIds(query);
    while (!done(ids) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      ids = await listIds(query);
    }
    return ids;
  }
});
