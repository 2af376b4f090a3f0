import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { plannedBody, type DeliveryPlan } from './pipeline.payload';
import { senderHeaders, type SenderConfig } from './webhook-ingest.payload';

/**
 * Open-loop load generator of the pipeline-sustained scenario, run as its own process: it sends
 * delivery `seq` (1..count) at `startAt + (seq - 1) / rate` whatever the earlier ones' answers
 * (as independent senders do), over `connections` keep-alive connections, and prints one
 * ScheduledLoadResult as JSON. Options come in PIPELINE_LOADGEN_ENV (the signing secret among
 * them: not visible in `ps`).
 */
export const PIPELINE_LOADGEN_ENV = 'BENCH_PIPELINE_LOADGEN_OPTIONS';

export interface ScheduledLoadOptions {
  /** The API's origin, e.g. http://127.0.0.1:3000. */
  origin: string;
  path: string;
  connections: number;
  ratePerSec: number;
  count: number;
  /** Epoch ms of the first send. */
  startAt: number;
  plan: DeliveryPlan;
  sender: SenderConfig;
}

export interface ScheduledLoadResult {
  /** Epoch ms each delivery's 2xx arrived, by `seq - 1`; null when it got none. */
  ackAt: (number | null)[];
  /** Answers per status code; `error` for a failed connection. */
  statusCodes: Record<string, number>;
  /** How late a send started against its schedule, at worst (the generator's own slip). */
  maxSendDelayMs: number;
  /** CPU time of this process over the run, in % of one core. */
  cpuPercent: number;
}

const TICK_MS = 2;

async function sendOnSchedule(options: ScheduledLoadOptions): Promise<ScheduledLoadResult> {
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  const ackAt: (number | null)[] = new Array<number | null>(options.count).fill(null);
  const statusCodes: Record<string, number> = {};
  const count = (code: string): void => void (statusCodes[code] = (statusCodes[code] ?? 0) + 1);
  const nowMs = (): number => performance.timeOrigin + performance.now();
  const intervalMs = 1000 / options.ratePerSec;
  let maxSendDelayMs = 0;
  const pending: Promise<void>[] = [];

  const send = async (seq: number): Promise<void> => {
    const { id, body } = plannedBody(options.plan, seq);
    try {
      const response = await pool.request({
        path: options.path,
        method: 'POST',
        headers: senderHeaders(options.sender, id, body),
        body,
      });
      await response.body.dump();
      count(String(response.statusCode));
      if (response.statusCode >= 200 && response.statusCode < 300) ackAt[seq - 1] = nowMs();
    } catch {
      count('error');
    }
  };

  const cpuBefore = process.cpuUsage();
  const started = nowMs();
  let next = 1;
  while (next <= options.count) {
    const now = nowMs();
    while (next <= options.count && options.startAt + (next - 1) * intervalMs <= now) {
      maxSendDelayMs = Math.max(maxSendDelayMs, now - (options.startAt + (next - 1) * intervalMs));
      pending.push(send(next++));
    }
    const due = options.startAt + (next - 1) * intervalMs - nowMs();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(TICK_MS, due))));
  }
  await Promise.all(pending);
  const elapsedMs = nowMs() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await pool.close();
  return {
    ackAt: ackAt.map((at) => (at === null ? null : Math.round(at * 10) / 10)),
    statusCodes,
    maxSendDelayMs,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
  };
}

function readOptions(): ScheduledLoadOptions {
  const raw = process.env[PIPELINE_LOADGEN_ENV];
  if (raw === undefined) throw new Error(`${PIPELINE_LOADGEN_ENV} is not set`);
  return JSON.parse(raw) as ScheduledLoadOptions;
}

if (require.main === module) {
  sendOnSchedule(readOptions()).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0)),
    (error: unknown) => {
      console.error('Load generator failed:', error);
      process.exit(1);
    },
  );
}
