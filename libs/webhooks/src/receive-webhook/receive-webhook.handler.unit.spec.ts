import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import { signFor } from '../signatures/sign';
import type { DeliveryArrivals, DeliveryStats } from './delivery-stats.port';
import { ProviderRegistry } from './provider-registry';
import { ReceiveWebhook } from './receive-webhook.command';
import { ReceiveWebhookHandler } from './receive-webhook.handler';
import { RejectionRecorder } from './rejection-recorder';
import { WebhookReceiver } from './webhook-receiver';
import { decodeWebhookReceived } from './webhook.events';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const SECRET = 'test-secret-not-real';

/** Repeat arrivals counted in memory; only what the receiver writes. */
class CountedRepeats implements DeliveryStats {
  readonly repeats: Array<{ streamId: string; sameBody: boolean }> = [];
  recordRepeat(streamId: string, _at: string, sameBody: boolean): Promise<void> {
    this.repeats.push({ streamId, sameBody });
    return Promise.resolve();
  }
  get(): Promise<DeliveryArrivals | undefined> {
    return Promise.resolve(undefined);
  }
}

function receiving() {
  const clock = (): Date => NOW;
  const store = new InMemoryEventStore({ clock });
  const stats = new CountedRepeats();
  const receiver = new WebhookReceiver(
    store,
    new ProviderRegistry(
      [{ name: 'sandbox', tenant: 'acme', scheme: 'hmac-sha256', secrets: [SECRET] }],
      clock,
    ),
    stats,
    new RejectionRecorder(store, { clock }),
    clock,
  );
  return { store, stats, handler: new ReceiveWebhookHandler(receiver) };
}

function signed(body: string, secret = SECRET): ReceiveWebhook {
  const headers = {
    'content-type': 'application/json',
    ...signFor('hmac-sha256', secret, body, { timestamp: NOW }),
  };
  return new ReceiveWebhook('sandbox', Buffer.from(body), headers, '192.0.2.1', 'corr-1');
}

describe('ReceiveWebhookHandler', () => {
  describe('when a signed delivery arrives', () => {
    it("stores it verbatim as version 1 of its own stream, in the provider's tenant", async () => {
      const { store, handler } = receiving();
      const body = '{"id":"dlv_1","type":"charge.succeeded"}';

      const ack = await handler.execute(signed(body));

      expect(ack).toMatchObject({ received: true, duplicate: false });
      const stored = await store.readStream('acme#delivery#sandbox#dlv_1', { fromVersion: 1 });
      expect(stored.events).toHaveLength(1);
      expect(stored.events[0]).toMatchObject({
        eventId: ack.eventId,
        type: 'WebhookReceived',
        data: { provider: 'sandbox', deliveryId: 'dlv_1' },
        metadata: { tenantId: 'acme', correlationId: 'corr-1' },
      });
      expect(Buffer.from(stored.events[0].data.body as Uint8Array).toString()).toBe(body);
      // What follows from the body and headers is not stored, and is read back all the same.
      expect(stored.events[0].data).not.toHaveProperty('bodySha256');
      expect(decodeWebhookReceived(stored.events[0])).toMatchObject({
        bodyBytes: body.length,
        contentType: 'application/json',
      });
    });
  });

  describe('when the same delivery arrives again', () => {
    it('answers duplicate with the first event id and counts the repeat', async () => {
      const { stats, handler } = receiving();
      const body = '{"id":"dlv_1","type":"charge.succeeded"}';
      const first = await handler.execute(signed(body));

      const repeat = await handler.execute(signed(body));

      expect(repeat).toEqual({ received: true, duplicate: true, eventId: first.eventId });
      expect(stats.repeats).toEqual([{ streamId: 'acme#delivery#sandbox#dlv_1', sameBody: true }]);
    });
  });

  describe('when the signature does not verify', () => {
    it('refuses with invalid_signature and stores no delivery', async () => {
      const { store, handler } = receiving();

      await expect(
        handler.execute(signed('{"id":"dlv_2"}', 'another-secret-not-real')),
      ).rejects.toMatchObject({ code: 'invalid_signature', status: 401 });
      const stored = await store.readStream('acme#delivery#sandbox#dlv_2', { fromVersion: 1 });
      expect(stored.events).toHaveLength(0);
    });
  });
});
