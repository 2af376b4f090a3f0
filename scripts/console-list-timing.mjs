// `npm run console:timing [-- <payments>]`: seeds a throwaway local stack with that many payments
// (default 10,000) through the API, then times the console's payments page (first page, a
// filtered page, the second page through its cursor) as a signed-in tenant. Figures only: no
// threshold. Run `npm run build` first (the npm script does).
import { performance } from 'node:perf_hooks';
import { fetch } from 'undici';
import { consoleSession, KEYS, pay, startStack, waitFor } from './console-stack.mjs';

const TOTAL = Number(process.argv[2] ?? 10_000);
const CONCURRENCY = 4;
const RUNS = 20;

async function timePage(url, cookie) {
  const times = [];
  let body = '';
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    body = await response.text();
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const rows = (body.match(/data-payment-id=/g) ?? []).length;
  return { median: times[RUNS >> 1], p95: times[Math.floor(RUNS * 0.95) - 1], rows, body };
}

const stack = await startStack();
try {
  const cookie = await consoleSession(stack, KEYS.acme);
  const list = `${stack.baseUrl}/console/payments`;
  const before = await timePage(list, cookie);
  const seedStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) {
        const i = next++;
        await pay(stack, 'acme', `timing-${i}`, {
          amount: 100 + (i % 5000),
          currency: 'EUR',
          customerId: `cus_${i % 300}`,
          orderId: `order-${i}`,
        });
      }
    }),
  );
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  // The last payment in the list means the projector has caught up.
  await waitFor(
    'the projector to catch up',
    async () =>
      (
        await (await fetch(`${list}?reference=order-${TOTAL - 1}`, { headers: { cookie } })).text()
      ).includes('data-payment-id='),
    600_000,
  );
  const first = await timePage(list, cookie);
  const filtered = await timePage(`${list}?status=succeeded&customerId=cus_7`, cookie);
  const nextUrl = /href="([^"]+)" rel="next"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
  const second =
    nextUrl === undefined ? undefined : await timePage(`${stack.baseUrl}${nextUrl}`, cookie);
  const show = (name, t) =>
    console.log(
      `${name}: median ${t.median.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms, ${t.rows} rows`,
    );
  console.log(`seeded ${TOTAL} payments through the API in ${seedSeconds.toFixed(0)} s`);
  show('empty list (before seeding)', before);
  show(`first page of ${TOTAL}`, first);
  show('status + customer filter', filtered);
  if (second !== undefined) show('second page (cursor)', second);
} finally {
  await stack.stop();
}
