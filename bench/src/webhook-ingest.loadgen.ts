import { hrtime } from 'node:process';
import autocannon from 'autocannon';
import { percentile } from './harness';
import {
  deliveryId,
  senderHeaders,
  webhookBody,
  type SenderConfig,
} from './webhook-ingest.payload';

/**
 * Load generator for the webhook-ingest scenario, run as its own process so that building and
 * signing requests does not share an event loop with the bench (or the API) it measures. It
 * reads its options from LOADGEN_OPTIONS_ENV and prints one LoadResult as JSON on stdout.
 */

export const LOADGEN_OPTIONS_ENV = 'BENCH_LOADGEN_OPTIONS';

export interface LoadOptions {
  /** The webhook endpoint to POST to. */
  url: string;
  connections: number;
  durationSeconds: number;
  /** Delivery ids are this prefix plus a sequence: unique per run when the prefix is. */
  idPrefix: string;
  sender: SenderConfig;
}

export interface LoadResult {
  /** Measured by autocannon: from the first connection to the sample after the deadline. */
  durationSeconds: number;
  /** Requests sent, including those still unanswered when the run stopped. */
  sent: number;
  completed: number;
  ok: number;
  non2xx: number;
  /** Responses per status code, e.g. `{ "200": 1234 }`. */
  statusCodes: Record<string, number>;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** 2xx answers saying `"duplicate":true`: a delivery id seen before (expected: none). */
  duplicates: number;
  okPerSec: number;
  /** Nearest-rank percentiles of the 2xx response times, in ms (autocannon's own are whole ms). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU time of this process over the run, in % of one core: near 100 = generator-bound. */
  cpuPercent: number;
  /** Sequence numbers of the deliveries answered 2xx: each must then be in the store. */
  okSeqs: number[];
}

interface DeliveryContext {
  seq?: number;
}

async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  let seq = 0;
  let duplicates = 0;
  const okSeqs: number[] = [];
  const latenciesMs: number[] = [];

  const cpuBefore = process.cpuUsage();
  const started = hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: 'POST',
        connections: options.connections,
        duration: options.durationSeconds,
        requests: [
          {
            // Called by each connection for each request it sends: a new id, body and
            // signature every time, so every delivery is new to the receiver.
            setupRequest: (request, context: DeliveryContext) => {
              const id = deliveryId(options.idPrefix, ++seq);
              const body = webhookBody(id);
              context.seq = seq;
              return {
                ...request,
                body,
                // A fresh object: autocannon adds Content-Length to the one it is given.
                headers: { ...request.headers, ...senderHeaders(options.sender, id, body) },
              };
            },
            onResponse: (status, body, context: DeliveryContext) => {
              if (status < 200 || status >= 300) return;
              if (context.seq !== undefined) okSeqs.push(context.seq);
              if (body.includes('"duplicate":true')) duplicates++;
            },
          },
        ],
      },
      (error: unknown, done) => (error ? reject(toError(error)) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) latenciesMs.push(responseTimeMs);
    });
  });
  const elapsedMs = Number(hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);

  const sorted = Float64Array.from(latenciesMs).sort();
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = Number(stats.count ?? 0);
  }
  return {
    durationSeconds: result.duration,
    sent: result.requests.sent,
    completed: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    duplicates,
    okPerSec: result['2xx'] / result.duration,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    okSeqs,
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function readOptions(): LoadOptions {
  const raw = process.env[LOADGEN_OPTIONS_ENV];
  if (raw === undefined) throw new Error(`${LOADGEN_OPTIONS_ENV} is not set`);
  return JSON.parse(raw) as LoadOptions;
}

if (require.main === module) {
  generateLoad(readOptions()).then(
    // Exit once the line is flushed: nothing else is pending, and a lingering handle in
    // autocannon must not keep the parent waiting.
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0)),
    (error: unknown) => {
      console.error('Load generator failed:', error);
      process.exit(1);
    },
  );
}
