// `npm run console:screenshots`: docs/console-payments.png and docs/console-timeline.png, taken
// by the system chromium (CHROMIUM_PATH, default /usr/bin/chromium) from a throwaway local stack
// seeded with a few payments: one whose first charge the sandbox answers 503 (a retry), every
// webhook sent twice (a duplicate). Run `npm run build` first (the npm script does).
import { fetch } from 'undici';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import {
  consoleSession,
  KEYS,
  pay,
  sandboxControl,
  startStack,
  waitFor,
} from './console-stack.mjs';

const DOCS = resolve(import.meta.dirname, '..', 'docs');
const stack = await startStack();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
});
try {
  await sandboxControl(stack, 'faults', { duplicateWebhookRate: 1 });
  const customers = ['cus_ada', 'cus_brian', 'cus_grace', 'cus_linus', 'cus_margaret'];
  for (const [i, customerId] of customers.entries()) {
    await pay(stack, 'acme', `screenshot-${i}`, {
      amount: 1250 * (i + 1),
      currency: 'EUR',
      customerId,
      orderId: `order-${1000 + i}`,
    });
  }
  await sandboxControl(stack, 'script', { responses: [{ status: 503 }] });
  const retried = await pay(stack, 'acme', 'screenshot-retried', {
    amount: 4990,
    currency: 'EUR',
    customerId: 'cus_retried',
    orderId: 'order-2000',
  });
  const cookie = await consoleSession(stack, KEYS.acme);
  const timelineUrl = `${stack.baseUrl}/console/payments/${retried}`;
  await waitFor('the duplicated webhook on the retried payment', async () =>
    (await (await fetch(timelineUrl, { headers: { cookie } })).text()).includes('2 arrivals'),
  );
  await waitFor('every payment in the list', async () => {
    const page = await (
      await fetch(`${stack.baseUrl}/console/payments`, { headers: { cookie } })
    ).text();
    return (page.match(/data-payment-id=/g) ?? []).length === customers.length + 1;
  });

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/console/sign-in`);
  await page.getByLabel(/API key/).fill(KEYS.acme);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/payments/);
  await page.screenshot({ path: resolve(DOCS, 'console-payments.png'), fullPage: true });
  await page.goto(timelineUrl);
  await page.locator('li[data-type="WebhookLinked"] summary').first().click();
  await page.screenshot({ path: resolve(DOCS, 'console-timeline.png'), fullPage: true });
  console.log('wrote docs/console-payments.png and docs/console-timeline.png');
} finally {
  await browser.close();
  await stack.stop();
}
