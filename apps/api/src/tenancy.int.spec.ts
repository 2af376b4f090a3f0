import { parseLedgerConfig, readLedgerEnv } from '@ledger/config';
import { HttpPaymentGateway } from '@ledger/outbound';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { createGateways } from './composition/api-dependencies.factory';
import { createTestApi, TEST_CONFIG, type TestApi } from './testing/test-api';

const ACME_GATEWAY_KEY = 'sandbox-test-key-acme-not-real';
const GLOBEX_GATEWAY_KEY = 'sandbox-test-key-globex-not-real';
const ACME = { authorization: 'Bearer test-key-acme-0000' };
const GLOBEX = { authorization: 'Bearer test-key-globex-000' };
const ACME_ADMIN = { authorization: 'Bearer test-admin-key-acme-0' };

describe('tenant boundaries of the API', () => {
  let ledger: TestLedger;
  let sandbox: RunningSandboxGateway;
  let api: TestApi;
  let keys = 0;

  beforeAll(async () => {
    ledger = await createTestLedger('tenancy');
    // One sandbox hosting both tenants' accounts, as `ledger start` runs it.
    sandbox = await startSandboxGateway({
      port: 0,
      accounts: [{ apiKey: ACME_GATEWAY_KEY }, { apiKey: GLOBEX_GATEWAY_KEY }],
    });
    const config = parseLedgerConfig({
      ...TEST_CONFIG,
      tenants: TEST_CONFIG.tenants.map((tenant) => ({
        ...tenant,
        gateway: {
          kind: 'sandbox',
          baseUrl: sandbox.url,
          apiKey: tenant.id === 'acme' ? ACME_GATEWAY_KEY : GLOBEX_GATEWAY_KEY,
        },
      })),
    });
    const env = readLedgerEnv({});
    api = await createTestApi(ledger, { config, gateways: createGateways(config, env) });
  });

  afterAll(async () => {
    await api.close();
    await sandbox.stop();
    await ledger.close();
  });

  function post(url: string, payload: object, key: string, headers: object = ACME) {
    return api.app.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'idempotency-key': key, 'content-type': 'application/json' },
      payload,
    });
  }

  async function succeededPayment(
    headers: object = ACME,
  ): Promise<{ paymentId: string; version: number }> {
    const created = await post(
      '/payments',
      { amount: 900, currency: 'EUR' },
      `t-${++keys}`,
      headers,
    );
    expect(created.json()).toMatchObject({ status: 'succeeded' });
    return created.json<{ paymentId: string; version: number }>();
  }

  describe('when a path id does not follow its grammar', () => {
    it('refuses a refund on an id with an encoded separator, so it cannot poison a real one', async () => {
      const { paymentId } = await succeededPayment();

      const forged = await post(`/payments/${paymentId}%23k/refunds`, { amount: 100 }, 'x');
      const real = await post(`/payments/${paymentId}/refunds`, { amount: 100 }, 'k#x');

      expect(forged.statusCode).toBe(400);
      expect(forged.json()).toMatchObject({ code: 'invalid_payment_id' });
      expect(real.statusCode).toBe(201);
      expect(real.json()).toMatchObject({ status: 'succeeded' });
    });

    it.each([
      ['GET', '/payments/pay_a%23b'],
      ['GET', '/payments/not-a-payment/history'],
      ['POST', '/payments/pay_a%25b/reconcile'],
      ['GET', `/payments/pay_${'x'.repeat(65)}`],
    ])('answers %s %s with 400 invalid_payment_id', async (method, url) => {
      const response = await api.app.inject({ method: method as 'GET', url, headers: ACME });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_payment_id' });
    });

    it('answers a malformed replay id with 400 invalid_replay_id', async () => {
      const response = await api.app.inject({
        method: 'GET',
        url: '/admin/replays/x%23y',
        headers: ACME_ADMIN,
      });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_replay_id' });
    });
  });

  describe('when the Idempotency-Key header is outside its grammar', () => {
    it.each([['k'.repeat(256)], ['two words'], ['caf\u00e9']])(
      'refuses %j with 400 idempotency_key_invalid and writes nothing',
      async (key) => {
        const before = sandbox.stats().requests;

        const response = await post('/payments', { amount: 100, currency: 'EUR' }, key);

        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ code: 'idempotency_key_invalid' });
        expect(sandbox.stats().requests).toBe(before);
      },
    );
  });

  describe("when another tenant pages through a payment's history", () => {
    it('answers 404 whatever the cursor, as every other read does', async () => {
      const { paymentId } = await succeededPayment();

      const own = await api.app.inject({
        method: 'GET',
        url: `/payments/${paymentId}/history?cursor=2`,
        headers: ACME,
      });
      const foreign = await api.app.inject({
        method: 'GET',
        url: `/payments/${paymentId}/history?cursor=2`,
        headers: GLOBEX,
      });

      expect(own.statusCode).toBe(200);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json()).toMatchObject({ code: 'payment_not_found' });
    });
  });
  describe('when each tenant charges through the gateway', () => {
    it("uses the tenant's own account, which no other account can see", async () => {
      const { paymentId } = await succeededPayment(GLOBEX);
      const account = (key: string) =>
        new HttpPaymentGateway({ baseUrl: sandbox.url, apiKey: key }).findCharge(paymentId);

      const inGlobex = await account(GLOBEX_GATEWAY_KEY);
      const inAcme = await account(ACME_GATEWAY_KEY);

      expect(inGlobex).toMatchObject({ outcome: 'succeeded', value: { paymentId } });
      expect(inAcme).toMatchObject({ outcome: 'succeeded' });
      expect(inAcme).toHaveProperty('value', undefined);
    });

    it('reports the worst circuit in /health, naming no tenant', async () => {
      const health = await api.app.inject({ method: 'GET', url: '/health' });

      expect(health.json()).toMatchObject({ gateway: { circuit: 'closed', notClosed: 0 } });
      expect(health.body).not.toMatch(/acme|globex/);
    });
  });
});
