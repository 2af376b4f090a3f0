import { createVerifier } from '@ledger/webhooks';
import {
  eventually,
  startSandboxTestKit,
  TEST_WEBHOOK_SECRET,
  type SandboxTestKit,
} from './testing/sandbox-test-kit';

const charge = { paymentId: 'pay_1', amount: 1000, currency: 'EUR' };
const verifier = createVerifier('standard-webhooks', { secrets: [TEST_WEBHOOK_SECRET] });

describe('sandbox gateway webhooks', () => {
  let kit: SandboxTestKit;

  afterEach(async () => {
    await kit.stop();
  });

  describe('when a webhook is duplicated', () => {
    it('sends it twice, byte-identical with the same webhook-id', async () => {
      kit = await startSandboxTestKit({ faults: { duplicateWebhookRate: 1 } });

      await kit.charge(charge, 'key-1');

      const [first, second] = await kit.webhooks.waitFor(2);
      expect(second.rawBody.equals(first.rawBody)).toBe(true);
      for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        expect(second.headers[header]).toBe(first.headers[header]);
      }
      expect(() =>
        verifier.verify({ rawBody: second.rawBody, headers: second.headers }),
      ).not.toThrow();
    });
  });

  describe('when a webhook is early', () => {
    it('has arrived before the HTTP response', async () => {
      kit = await startSandboxTestKit({ faults: { earlyWebhookRate: 1, webhookDelayMs: 1_000 } });

      const answer = await kit.charge(charge, 'key-1');

      expect(kit.webhooks.deliveries).toHaveLength(1);
      expect(kit.webhooks.deliveries[0].body.data.transactionId).toBe(answer.body.id);
    });
  });

  describe('when the receiver fails', () => {
    it('retries with the same webhook-id and counts the failures', async () => {
      kit = await startSandboxTestKit();
      kit.webhooks.respondWith([500, 503]);

      await kit.charge(charge, 'key-1');

      const deliveries = await kit.webhooks.waitFor(3);
      expect(new Set(deliveries.map((delivery) => delivery.headers['webhook-id'])).size).toBe(1);
      await eventually(() => kit.gateway.stats().webhooksSent === 1);
      expect(kit.gateway.stats().webhookFailures).toBe(2);
    });

    it('gives up after the configured attempts without disturbing the API', async () => {
      kit = await startSandboxTestKit({ webhookRetry: { attempts: 2, initialDelayMs: 10 } });
      kit.webhooks.respondWith([500, 500, 500]);

      const answer = await kit.charge(charge, 'key-1');
      await eventually(() => kit.gateway.stats().webhookFailures === 2);
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(answer.status).toBe(201);
      expect(kit.webhooks.deliveries).toHaveLength(2);
      expect(kit.gateway.stats().webhooksSent).toBe(0);
    });
  });

  describe('when the gateway stops while a retry waits', () => {
    it('stops without waiting out the backoff and sends nothing more', async () => {
      kit = await startSandboxTestKit({ webhookRetry: { attempts: 3, initialDelayMs: 120_000 } });
      kit.webhooks.respondWith([500]);
      await kit.charge(charge, 'key-1');
      await eventually(() => kit.gateway.stats().webhookFailures === 1);
      const startedAt = performance.now();

      await kit.gateway.stop();

      // Far below the 2-minute wait that was cut short, far above any busy machine's stop.
      expect(performance.now() - startedAt).toBeLessThan(60_000);
      expect(kit.webhooks.deliveries).toHaveLength(1);
    });
  });

  describe('when no webhook URL is configured', () => {
    it('handles charges without sending anything', async () => {
      kit = await startSandboxTestKit({ webhook: undefined });

      const answer = await kit.charge(charge, 'key-1');
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(answer.status).toBe(201);
      expect(kit.webhooks.deliveries).toHaveLength(0);
    });
  });
});
