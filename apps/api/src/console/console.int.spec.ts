import { PaymentProjector } from '@ledger/projections';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import { paymentStreamId } from '@ledger/ledger';
import type { ReplayJob } from '@ledger/replay';
import { replayAdapters } from '@ledger/replay/aws';
import { createTestLedger, waitUntil, type TestLedger } from '@ledger/testing';
import { signFor } from '@ledger/webhooks';
import { createTestApi, type TestApi } from '../testing/test-api';

const HOSTILE = '<script>document.title="owned"</script><img src=x onerror=alert(1)>';
const KEYS = {
  acme: 'test-key-acme-0000',
  globex: 'test-key-globex-000',
  operator: 'test-key-operator-00',
} as const;

describe('the web console', () => {
  let ledger: TestLedger;
  let api: TestApi;
  const acmePayment = `pay_console_${Date.now()}`;

  beforeAll(async () => {
    ledger = await createTestLedger('console');
    api = await createTestApi(ledger);
    // A payment whose every free-text field is hostile, projected as the projector would.
    const streamId = paymentStreamId('acme', acmePayment);
    const at = new Date().toISOString();
    await ledger.store.append(streamId, 0, [
      {
        type: 'PaymentRequested',
        data: {
          at,
          paymentId: acmePayment,
          amount: 4200,
          currency: 'EUR',
          customerId: HOSTILE.slice(0, 60),
          orderId: HOSTILE,
          description: HOSTILE,
          requestedAt: at,
        },
        metadata: { tenantId: 'acme', actor: HOSTILE },
      },
    ]);
    const documents = projectionAdapters(ledger.storage).documentsOf(FIRST_GENERATION);
    const { events } = await ledger.store.readStream(streamId);
    await new PaymentProjector(ledger.store, documents).apply(documents, events[0]);
  });

  afterAll(async () => {
    await api?.close();
    await ledger?.close();
  });

  async function signIn(
    key: string,
  ): Promise<{ status: number; cookie?: string; location?: string }> {
    const response = await api.app.inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ apiKey: key }).toString(),
    });
    const setCookie = response.headers['set-cookie'];
    return {
      status: response.statusCode,
      cookie: typeof setCookie === 'string' ? setCookie : setCookie?.[0],
      location: response.headers.location,
    };
  }

  async function page(key: string, url: string): Promise<{ status: number; body: string }> {
    const { cookie } = await signIn(key);
    const response = await api.app.inject({
      method: 'GET',
      url,
      headers: { cookie: (cookie ?? '').split(';')[0] },
    });
    return { status: response.statusCode, body: response.body };
  }

  describe('when someone signs in', () => {
    it('refuses a key the API does not accept, setting no cookie', async () => {
      const answer = await signIn('not-a-key-at-all');

      expect(answer.status).toBe(401);
      expect(answer.cookie).toBeUndefined();
    });

    it('answers a good key with an HttpOnly, SameSite=Strict session cookie that holds no key', async () => {
      const answer = await signIn(KEYS.acme);

      expect(answer.status).toBe(303);
      expect(answer.location).toBe('/console/payments');
      expect(answer.cookie).toMatch(/^ledger_console=[^;]+;/);
      expect(answer.cookie).toMatch(/HttpOnly/);
      expect(answer.cookie).toMatch(/SameSite=Strict/);
      expect(answer.cookie).not.toContain(KEYS.acme);
    });

    it('refuses a key posted as JSON rather than as the form', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/console/sign-in',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ apiKey: KEYS.acme }),
      });

      expect(response.statusCode).toBe(401);
      expect(response.headers['set-cookie']).toBeUndefined();
    });

    it('sends a request without a valid session to the sign-in form', async () => {
      const forged = await api.app.inject({
        method: 'GET',
        url: '/console/payments',
        headers: { cookie: 'ledger_console=eyJwcmluY2lwYWwiOnt9fQ.forged' },
      });

      expect(forged.statusCode).toBe(303);
      expect(forged.headers.location).toBe('/console/sign-in');
    });
  });

  describe('when a payment holds hostile text', () => {
    it('shows it as text in the list, never as markup', async () => {
      const { status, body } = await page(KEYS.acme, '/console/payments');

      expect(status).toBe(200);
      expect(body).toContain(acmePayment);
      expect(body).toContain('&lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt;');
      expect(body).not.toContain('<script');
      expect(body).not.toContain('<img');
    });

    it('shows it as text in the timeline and its raw event', async () => {
      const { status, body } = await page(KEYS.acme, `/console/payments/${acmePayment}`);

      expect(status).toBe(200);
      expect(body).toContain('Payment requested: 4200 EUR');
      expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(body).not.toContain('<script');
      expect(body).not.toContain('<img');
    });
  });

  describe('when another tenant signs in', () => {
    it('lists nothing of the first tenant', async () => {
      const { status, body } = await page(KEYS.globex, '/console/payments');

      expect(status).toBe(200);
      expect(body).not.toContain(acmePayment);
    });

    it('answers 404 for the first tenant’s timeline, by URL or by naming the tenant', async () => {
      const direct = await page(KEYS.globex, `/console/payments/${acmePayment}`);
      const named = await page(KEYS.globex, `/console/payments/${acmePayment}?tenant=acme`);
      const listed = await page(KEYS.globex, '/console/payments?tenant=acme');

      expect(direct.status).toBe(404);
      expect(direct.body).not.toContain('4200');
      expect(named.status).toBe(404);
      expect(listed.status).toBe(404);
    });
  });

  describe('when an operator signs in', () => {
    it('sees the tenant it picks', async () => {
      const { status, body } = await page(
        KEYS.operator,
        `/console/payments/${acmePayment}?tenant=acme`,
      );

      expect(status).toBe(200);
      expect(body).toContain(acmePayment);
    });

    it('sees every tenant’s breaker and the dead letters on the operations page', async () => {
      const { status, body } = await page(KEYS.operator, '/console/operations');

      expect(status).toBe(200);
      expect(body).toContain('Gateway breakers');
      expect(body).toContain('<td>globex</td>');
      expect(body).toContain('Redrive dead letters');
    });
  });

  describe('when replay jobs were recorded for two tenants and the whole store', () => {
    const job = (replayId: string, changes: Partial<ReplayJob>): ReplayJob => ({
      replayId,
      kind: 'rebuild',
      scope: { tenantId: 'acme' },
      status: 'running',
      dryRun: false,
      mode: 'in-place',
      processed: 0,
      startedAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      ...changes,
    });
    const stamp = Date.now();
    const acmeJob = job(`r-acme-${stamp}`, { processed: 30, total: 40, error: HOSTILE });
    const globexJob = job(`r-globex-${stamp}`, { scope: { tenantId: 'globex' }, total: 7 });
    const storeJob = job(`r-store-${stamp}`, {
      kind: 'republish',
      scope: {},
      mode: undefined,
      target: 'PaymentReceipts',
      status: 'completed',
    });

    beforeAll(async () => {
      const { jobs } = replayAdapters(ledger.storage);
      for (const recorded of [acmeJob, globexJob, storeJob]) await jobs.create(recorded);
    });

    it('lists a tenant its own jobs with their progress, and none of another tenant or the store', async () => {
      const { status, body } = await page(KEYS.acme, '/console/operations');

      expect(status).toBe(200);
      expect(body).toContain(acmeJob.replayId);
      expect(body).toMatch(/<progress\s+max="40"\s+value="30"\s+aria-labelledby="progress-r-acme-/);
      expect(body).toContain('30 of 40 events (75%)');
      expect(body).toContain('&lt;script&gt;document.title');
      expect(body).not.toContain('<script');
      expect(body).not.toContain(globexJob.replayId);
      expect(body).not.toContain(storeJob.replayId);
    });

    it('lists the other tenant its own job only, even when it names the first tenant', async () => {
      const own = await page(KEYS.globex, '/console/operations');
      const named = await page(KEYS.globex, '/console/operations?tenant=acme');

      expect(own.status).toBe(200);
      expect(own.body).toContain(globexJob.replayId);
      expect(own.body).toContain('0 of 7 events (0%)');
      expect(own.body).not.toContain(acmeJob.replayId);
      expect(own.body).not.toContain(storeJob.replayId);
      expect(named.body).not.toContain(acmeJob.replayId);
    });

    it('lists an operator every job, newest first, the store-wide one included', async () => {
      const { status, body } = await page(KEYS.operator, '/console/operations?tenant=globex');

      expect(status).toBe(200);
      const order = [storeJob, globexJob, acmeJob].map((j) => body.indexOf(j.replayId));
      expect(order.every((at) => at >= 0)).toBe(true);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(body).toContain('republish (PaymentReceipts)');
      expect(body).toContain('whole store');
    });

    it('still finds one job by its id', async () => {
      const { body } = await page(
        KEYS.acme,
        `/console/operations?replayId=${encodeURIComponent(acmeJob.replayId)}`,
      );

      expect(body).toContain('aria-label="Replay job"');
      expect(body).toContain('30 of 40 events (75%)');
    });
  });

  describe('when the dead letters redrive is posted', () => {
    async function redrive(key: string): Promise<{ status: number; body: string }> {
      const { cookie } = await signIn(key);
      const response = await api.app.inject({
        method: 'POST',
        url: '/console/operations/dead-letters/redrive',
        headers: {
          cookie: (cookie ?? '').split(';')[0],
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'tenant=acme',
      });
      return { status: response.statusCode, body: response.body };
    }

    it('redrives them for an operator and says how it went', async () => {
      const { status, body } = await redrive(KEYS.operator);

      expect(status).toBe(200);
      expect(body).toContain('Redriven: 0; still failing: 0.');
    });

    it('refuses a tenant: dead letters are store-wide', async () => {
      const { status, body } = await redrive(KEYS.acme);

      expect(status).toBe(403);
      expect(body).not.toContain('Redriven');
    });
  });

  describe('when a tenant looks at operations', () => {
    it('sees its own breaker only, and no dead letters', async () => {
      const { status, body } = await page(KEYS.acme, '/console/operations');

      expect(status).toBe(200);
      expect(body).toContain('<td>acme</td>');
      expect(body).not.toContain('<td>globex</td>');
      expect(body).not.toContain('Redrive dead letters');
    });
  });

  describe('when a form is posted anywhere but the console', () => {
    it('is refused with 415 as before', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/payments',
        headers: {
          authorization: `Bearer ${KEYS.acme}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'amount=1',
      });

      expect(response.statusCode).toBe(415);
      expect(response.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('when the OpenAPI document is read', () => {
    it('mentions the console without listing its HTML routes as operations', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/docs/json' });
      const document = response.json<{ tags?: Array<{ name: string }>; paths: object }>();

      expect(document.tags?.map((tag) => tag.name)).toContain('console');
      expect(Object.keys(document.paths).filter((path) => path.startsWith('/console'))).toEqual([]);
    });
  });

  describe('when webhooks arrived, twice or with a bad signature', () => {
    it('shows the delivery with its repeat and the rejection with its reason, to its tenant only', async () => {
      const body = JSON.stringify({ id: `evt_console_${Date.now()}`, note: HOSTILE });
      const delivery = {
        method: 'POST' as const,
        url: '/webhooks/sandbox',
        headers: {
          'content-type': 'application/json',
          ...signFor('hmac-sha256', 'test-secret-not-real', body),
        },
        payload: body,
      };
      expect((await api.app.inject(delivery)).statusCode).toBe(200);
      expect((await api.app.inject(delivery)).statusCode).toBe(200);
      const refused = await api.app.inject({
        ...delivery,
        headers: { ...delivery.headers, 'x-signature': 'sha256=00' },
      });
      expect(refused.statusCode).toBe(401);

      // Rejections are recorded off the response path.
      let seen = '';
      await waitUntil(
        async () => {
          seen = (await page(KEYS.acme, '/console/deliveries')).body;
          return seen.includes('invalid_signature');
        },
        { what: 'the rejection on the deliveries page' },
      );
      const globex = await page(KEYS.globex, '/console/deliveries');

      expect(seen).toContain('<li>sandbox: 1</li>');
      expect(seen).toMatch(/<td class="num">\s*2 \(duplicated\)\s*<\/td>/);
      expect(globex.body).not.toContain('invalid_signature');
      expect(globex.body).not.toContain('evt_console_');
    });
  });
});
