import { startSandboxGateway } from './sandbox-gateway.server';
import type { RunningSandboxGateway } from './sandbox-gateway.types';
import { startWebhookCatcher, type WebhookCatcher } from './testing/webhook-catcher';

const SECRET = `whsec_${Buffer.from('sandbox-test-only-secret').toString('base64')}`;
const ACME_KEY = 'sandbox-test-key-acme';
const GLOBEX_KEY = 'sandbox-test-key-globex';

describe('sandbox gateway accounts', () => {
  let gateway: RunningSandboxGateway;
  let acmeHooks: WebhookCatcher;
  let globexHooks: WebhookCatcher;

  beforeAll(async () => {
    acmeHooks = await startWebhookCatcher('/webhooks/sandbox');
    globexHooks = await startWebhookCatcher('/webhooks/sandbox-globex');
    gateway = await startSandboxGateway({
      accounts: [
        { apiKey: ACME_KEY, webhook: { url: acmeHooks.url, secret: SECRET } },
        { apiKey: GLOBEX_KEY, webhook: { url: globexHooks.url, secret: SECRET } },
      ],
    });
  });

  afterAll(async () => {
    await gateway.stop();
    await acmeHooks.close();
    await globexHooks.close();
  });

  function call(apiKey: string, method: string, path: string, body?: object, key?: string) {
    return fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(key !== undefined && { 'idempotency-key': key }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  describe('when two accounts charge the same payment id and order id', () => {
    it("keeps each account's charges, idempotency keys and webhooks its own", async () => {
      const charge = { paymentId: 'pay_same', orderId: 'ord-same', amount: 1000, currency: 'EUR' };

      const acme = await call(ACME_KEY, 'POST', '/v1/charges', charge, 'same-key');
      const globex = await call(GLOBEX_KEY, 'POST', '/v1/charges', charge, 'same-key');
      const [acmeHook] = await acmeHooks.waitFor(1, 30_000);
      const [globexHook] = await globexHooks.waitFor(1, 30_000);
      const acmeFound = (await (
        await call(ACME_KEY, 'GET', '/v1/charges?paymentId=pay_same')
      ).json()) as { data: { id: string }[] };
      const acmeCharge = (await acme.json()) as { id: string };
      const globexCharge = (await globex.json()) as { id: string };

      expect([acme.status, globex.status]).toEqual([201, 201]);
      expect(globex.headers.get('idempotent-replayed')).toBeNull();
      expect(globexCharge.id).not.toBe(acmeCharge.id);
      expect(acmeFound.data.map((c) => c.id)).toEqual([acmeCharge.id]);
      expect(acmeHook.body.data.transactionId).toBe(acmeCharge.id);
      expect(globexHook.body.data.transactionId).toBe(globexCharge.id);
      expect(acmeHooks.deliveries).toHaveLength(1);
      expect(globexHooks.deliveries).toHaveLength(1);
    });
  });

  describe("when an account asks for another account's charge", () => {
    it('does not find it', async () => {
      const created = await call(
        ACME_KEY,
        'POST',
        '/v1/charges',
        { paymentId: 'pay_private', amount: 500, currency: 'EUR' },
        'private-key',
      );
      const { id } = (await created.json()) as { id: string };

      const foreign = await call(GLOBEX_KEY, 'GET', `/v1/charges/${id}`);

      expect(foreign.status).toBe(404);
    });
  });

  describe('when a key belongs to no account', () => {
    it('answers 401', async () => {
      const response = await call('sandbox-test-key-nobody', 'GET', '/v1/charges?paymentId=x');

      expect(response.status).toBe(401);
    });
  });
});
