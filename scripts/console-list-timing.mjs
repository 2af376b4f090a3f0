// `npm run console:timing [-- <payments>]`: a throwaway local stack with that many payments of one
// tenant (default 10,000), then the console's payments page timed as that tenant (first page, a
// filtered page, the second page through its cursor). Figures only: no threshold. Run
// `npm run build` first (the npm script does).
//
// The first SEEDED_THROUGH_API payments go through the API (events, gateway, projector); the rest
// are copies of their read-model documents with fresh ids and times, bulk-written into the read
// model the list reads (the built adapters' overwriteMany, as a rebuild writes), since seeding
// 10,000 through the whole pipeline is slow on a busy 2-core machine. The list reads
// nothing but that read model, so its cost is the same either way.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fetch } from 'undici';
import { consoleSession, KEYS, pay, startStack, waitFor } from './console-stack.mjs';

// The SDK's notice about its future Node floor would only clutter the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const TOTAL = Number(process.argv[2] ?? 10_000);
const SEEDED_THROUGH_API = Math.min(TOTAL, 100);
const CONCURRENCY = 4;
const RUNS = 20;
const DIST = resolve(import.meta.dirname, '..', 'dist', 'libs');
const requireDist = createRequire(import.meta.url);
const { readLedgerEnv } = requireDist(join(DIST, 'config', 'src', 'index.js'));
const { openLedgerStorage } = requireDist(join(DIST, 'ledger', 'src', 'aws.js'));
const { closeLedgerStorage } = requireDist(join(DIST, 'event-store', 'src', 'aws.js'));
const { FIRST_GENERATION, projectionAdapters } = require(
  join(DIST, 'projections', 'src', 'aws.js'),
);

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
const storage = openLedgerStorage(readLedgerEnv(stack.env));
try {
  const cookie = await consoleSession(stack, KEYS.acme);
  const list = `${stack.baseUrl}/console/payments`;
  const before = await timePage(list, cookie);
  let next = 0;
  const ids = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SEEDED_THROUGH_API) {
        const i = next++;
        ids.push(
          await pay(stack, 'acme', `timing-${i}`, {
            amount: 100 + i,
            currency: 'EUR',
            customerId: `cus_${i % 300}`,
            orderId: `order-${i}`,
          }),
        );
      }
    }),
  );
  const documents = projectionAdapters(storage).documentsOf(FIRST_GENERATION);
  const templates = [];
  await waitFor('the projector to write every API payment', async () => {
    templates.length = 0;
    for (const id of ids) {
      const document = await documents.get('acme', id);
      if (document !== undefined) templates.push(document);
    }
    return templates.length === ids.length;
  });
  const copies = [];
  const start = Date.now() - TOTAL * 1000;
  for (let i = SEEDED_THROUGH_API; i < TOTAL; i++) {
    const template = templates[i % templates.length];
    const createdAt = new Date(start + i * 1000).toISOString();
    copies.push({
      ...template,
      paymentId: `pay_timing_${String(i).padStart(6, '0')}`,
      state: {
        ...template.state,
        paymentId: `pay_timing_${String(i).padStart(6, '0')}`,
        amount: 100 + (i % 5000),
        customerId: `cus_${i % 300}`,
        orderId: `order-${i}`,
        createdAt,
        updatedAt: createdAt,
      },
    });
  }
  const seedStarted = performance.now();
  for (let i = 0; i < copies.length; i += 500)
    await documents.overwriteMany(copies.slice(i, i + 500));
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const first = await timePage(list, cookie);
  const filtered = await timePage(`${list}?status=succeeded&customerId=cus_7`, cookie);
  const nextUrl = /href="([^"]+)" rel="next"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
  const second =
    nextUrl === undefined ? undefined : await timePage(`${stack.baseUrl}${nextUrl}`, cookie);
  const show = (name, t) =>
    console.log(
      `${name}: median ${t.median.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms, ${t.rows} rows`,
    );
  console.log(
    `${SEEDED_THROUGH_API} payments through the API, ${copies.length} more written to the read model in ${seedSeconds.toFixed(0)} s`,
  );
  show('empty list (before seeding)', before);
  show(`first page of ${TOTAL}`, first);
  show('status + customer filter', filtered);
  if (second !== undefined) show('second page (cursor)', second);
} finally {
  closeLedgerStorage(storage);
  await stack.stop();
}
