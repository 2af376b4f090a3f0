import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitUntil } from '@ledger/testing';
import { launchChromium } from './support/browser';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

// The committed example configuration's keys (placeholders).
const KEYS = { acme: 'local-dev-key-acme', globex: 'local-dev-key-globex' } as const;
/** Generous: the machine running the suite is shared. */
const UI_WAIT_MS = 30_000;

describe('the web console in a real browser', () => {
  let ledger: LedgerProcess;
  let browser: Browser;
  let sandboxUrl: string;
  let paymentId: string;

  beforeAll(async () => {
    const env = await isolatedEnv();
    sandboxUrl = `http://127.0.0.1:${env.SANDBOX_GATEWAY_PORT}`;
    ledger = spawnLedger(env);
    [browser] = await Promise.all([launchChromium(), waitForHealthy(ledger)]);
    // The first charge answers 503, so the gateway client retries; every webhook is sent twice.
    await control('script', { responses: [{ status: 503 }] });
    await control('faults', { duplicateWebhookRate: 1 });
    const response = await fetch(`${ledger.baseUrl}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEYS.acme}`,
        'idempotency-key': 'e2e-console-retried',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ amount: 2500, currency: 'EUR', orderId: 'order-console-e2e' }),
    });
    expect(response.status).toBe(201);
    paymentId = ((await response.json()) as { paymentId: string }).paymentId;
  });

  afterAll(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  async function control(path: string, body: object): Promise<void> {
    const response = await fetch(`${sandboxUrl}/_control/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200)
      throw new Error(`sandbox refused ${path}: ${await response.text()}`);
  }

  async function signedIn(key: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${ledger.baseUrl}/console`);
    await page.getByLabel(/API key/).fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/payments/, { timeout: UI_WAIT_MS });
    return { context, page };
  }

  describe('when a key the API does not accept is tried', () => {
    it('stays on the sign-in form and says so', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${ledger.baseUrl}/console`);

      await page.getByLabel(/API key/).fill('not-a-key');
      await page.getByRole('button', { name: 'Sign in' }).click();

      await page.getByRole('alert').waitFor({ timeout: UI_WAIT_MS });
      expect(await page.getByRole('alert').textContent()).toContain('not a valid API key');
      expect((await context.cookies()).map((c) => c.name)).not.toContain('ledger_console');
      await context.close();
    });
  });

  describe('when the tenant signs in', () => {
    it('lists the payment and opens its timeline: the retried charge and the duplicated webhook', async () => {
      const { context, page } = await signedIn(KEYS.acme);

      // The list is the read model: the projector writes it a moment after the payment.
      await waitUntil(
        async () => {
          await page.reload();
          return (await page.locator(`tr[data-payment-id="${paymentId}"]`).count()) > 0;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: 'the payment in the list' },
      );
      await page.getByRole('link', { name: paymentId }).click();
      await page.getByRole('heading', { name: `Payment ${paymentId}` }).waitFor();
      // The correlator links the webhook, and records its repeat, a moment after the payment.
      await waitUntil(
        async () => {
          await page.reload();
          return (await page.getByText(/2 arrivals \(1 repeat/).count()) > 0;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: 'the duplicated webhook in the timeline' },
      );

      const attempts = page.locator('li[data-type="GatewayCallAttempted"]');
      expect(await attempts.count()).toBe(2);
      expect(await attempts.nth(0).textContent()).toMatch(/charge attempt 1: http_error[\s\S]*503/);
      expect(await attempts.nth(0).textContent()).toMatch(/delay before next/);
      expect(await attempts.nth(1).textContent()).toContain('charge attempt 2: succeeded');
      const webhook = page.locator('li[data-type="WebhookLinked"]').first();
      expect(await webhook.textContent()).toContain('every repeat with the same body');
      await webhook.getByText('Raw event').click();
      expect(await webhook.locator('pre').textContent()).toContain('"deliveryStreamId"');
      await context.close();
    });
  });

  describe('when another tenant signs in', () => {
    it('sees nothing of the first tenant, in the list or by the timeline’s URL', async () => {
      const { context, page } = await signedIn(KEYS.globex);

      await page.getByRole('heading', { name: 'Payments' }).waitFor();
      expect(await page.content()).not.toContain(paymentId);
      const direct = await page.goto(`${ledger.baseUrl}/console/payments/${paymentId}`);
      expect(direct?.status()).toBe(404);
      expect(await page.content()).not.toContain('order-console-e2e');
      await context.close();
    });
  });
});
