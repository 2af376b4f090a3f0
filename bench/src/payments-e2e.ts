import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLedgerConfig, repoRoot } from '@ledger/config';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { paymentStreamId } from '@ledger/ledger';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { parse, stringify } from 'yaml';
import { startApiProcess, type RunningApi } from './child-process';
import { measure, type Measurement } from './harness';
import type { BenchContext } from './scenario';

/** A tenant and key of the committed configuration (the API reads a copy of it). */
export const E2E_TENANT = 'acme';
const E2E_API_KEY = 'local-dev-key-acme';
/** What one payment's stream must hold after a 201 with a first-time gateway success. */
export const EXPECTED_EVENTS = ['PaymentRequested', 'GatewayCallAttempted', 'PaymentSucceeded'];
const SEQUENCE_DIGITS = 9;

export interface E2eSizing {
  warmUpPayments: number;
  paymentsPerRound: number;
  rounds: number;
  clients: number;
  /** Payments read back from the store after the run, spread over every run. */
  storedSample: number;
}

export interface E2eRound {
  measurement: Measurement;
  /** The API process's CPU over the round, in % of one core, where /proc tells. */
  apiCpuPercent?: number;
}

export interface E2eResult {
  warmUp: E2eRound;
  rounds: E2eRound[];
  /** Payments answered 201, per `status` in the answer (expected: all `succeeded`). */
  statuses: Record<string, number>;
  created: number;
  sandbox: { requests: number; chargesCreated: number };
  stored: { sampled: number; complete: number; problems: string[] };
}

/**
 * `POST /payments` over HTTP against the API in its own process, with the real engine and gateway
 * client: the sandbox runs in this process on a free port, and the API reads a temporary copy of
 * ledger.config.yaml whose `gateway` points at it. Closed loop of `clients` fetch loops (keep-
 * alive), every request a new Idempotency-Key, so every one creates and charges a payment.
 */
export async function measurePaymentsEndToEnd(
  context: BenchContext,
  sizing: E2eSizing,
): Promise<E2eResult> {
  const gatewayKey = `bench-sandbox-${randomBytes(8).toString('hex')}`;
  const runId = randomBytes(4).toString('hex');
  let seq = 0;
  const created: string[] = [];
  const statuses: Record<string, number> = {};

  let sandbox: RunningSandboxGateway | undefined;
  let api: RunningApi | undefined;
  const configDir = await mkdtemp(join(tmpdir(), 'ledger-bench-'));
  try {
    sandbox = await startSandboxGateway({ port: 0, apiKey: gatewayKey });
    const configPath = join(configDir, 'ledger.config.yaml');
    await writeGatewayConfig(configPath, sandbox.url, gatewayKey);
    context.log(
      `  payments end to end: sandbox at ${sandbox.url}; starting the API with gateway.baseUrl ` +
        'pointing at it (LOG_LEVEL=warn)...',
    );
    api = await startApiProcess({
      engineEndpoint: context.engineEndpoint,
      tablePrefix: context.tablePrefix,
      configPath,
    });
    const runningApi = api;
    context.log(`  API at ${api.baseUrl} (pid ${api.pid}), healthy.`);

    const pay = async (): Promise<void> => {
      const n = ++seq;
      const key = `bench-e2e-${runId}-${String(n).padStart(SEQUENCE_DIGITS, '0')}`;
      const response = await fetch(`${runningApi.baseUrl}/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${E2E_API_KEY}`,
          'idempotency-key': key,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          amount: 12_990,
          currency: 'EUR',
          customerId: 'cus_Q1w2E3r4T5y6U7',
          orderId: `ord-${runId}-${n}`,
          description: 'Annual plan, 3 seats',
        }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status !== 201) {
        throw new Error(
          `POST /payments answered ${response.status}: ${text}\nAPI output:\n` +
            runningApi.outputTail(),
        );
      }
      const body = JSON.parse(text) as { paymentId?: string; status?: string };
      if (typeof body.paymentId !== 'string') throw new Error(`201 without a paymentId: ${text}`);
      created.push(body.paymentId);
      const status = body.status ?? 'none';
      statuses[status] = (statuses[status] ?? 0) + 1;
    };

    // One payment first: a misconfigured gateway or store fails here with its answer.
    await pay();
    const round = async (name: string, total: number): Promise<E2eRound> => {
      const cpuBefore = runningApi.cpuMs();
      const measurement = await measure({ name, inFlight: sizing.clients, total, op: pay });
      const cpuAfter = runningApi.cpuMs();
      return {
        measurement,
        apiCpuPercent:
          cpuBefore === undefined || cpuAfter === undefined
            ? undefined
            : ((cpuAfter - cpuBefore) / measurement.elapsedMs) * 100,
      };
    };
    const warmUp = await round('payments e2e warm-up', sizing.warmUpPayments);
    context.log(`  payments warm-up: ${formatRound(warmUp)}`);
    const rounds: E2eRound[] = [];
    for (let i = 0; i < sizing.rounds; i++) {
      const result = await round('payments e2e', sizing.paymentsPerRound);
      rounds.push(result);
      context.log(
        `  round ${i + 1}/${sizing.rounds} ${'POST /payments'.padEnd(24)} ${formatRound(result)}`,
      );
    }
    const stats = sandbox.stats();
    // A graceful close: requests in flight finish before the store is read.
    await api.stop();
    api = undefined;

    context.log(`  reading ${Math.min(sizing.storedSample, created.length)} payments back...`);
    const stored = await checkStored(context.storage, sample(created, sizing.storedSample));
    return {
      warmUp,
      rounds,
      statuses,
      created: created.length,
      sandbox: { requests: stats.requests, chargesCreated: stats.chargesCreated },
      stored,
    };
  } finally {
    await api?.stop();
    await sandbox?.stop();
    await rm(configDir, { recursive: true, force: true });
  }
}

/** A copy of the committed configuration with acme's gateway pointing at a sandbox of its own. */
export async function writeGatewayConfig(
  path: string,
  baseUrl: string,
  apiKey: string,
): Promise<void> {
  const committed = join(repoRoot(), 'ledger.config.yaml');
  const config = parse(readFileSync(committed, 'utf8')) as {
    tenants: { id: string; gateway?: object }[];
  };
  const acme = config.tenants.find((tenant) => tenant.id === 'acme');
  if (acme === undefined) throw new Error(`${committed}: no tenant acme`);
  acme.gateway = { ...acme.gateway, baseUrl, apiKey };
  await writeFile(path, stringify(config), { mode: 0o600 });
  // Validated here, so a rejected copy fails with the reason rather than as an API exit code.
  const loaded = loadLedgerConfig(path).tenants.find((tenant) => tenant.id === 'acme');
  if (loaded?.gateway?.baseUrl !== baseUrl) {
    throw new Error(`${path}: acme's gateway.baseUrl not applied`);
  }
}

/** Up to `size` items spread evenly over `items` (first and last included). */
export function sample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  if (size <= 1) return items.slice(0, size);
  const step = (items.length - 1) / (size - 1);
  return Array.from({ length: size }, (_, i) => items[Math.round(i * step)]);
}

/** Reads each payment's stream: exactly requested, one successful 201 attempt, succeeded. */
async function checkStored(
  storage: LedgerStorage,
  paymentIds: readonly string[],
): Promise<E2eResult['stored']> {
  const problems: string[] = [];
  let complete = 0;
  await measure({
    name: 'payments e2e stored check',
    inFlight: 4,
    total: Math.max(1, paymentIds.length),
    op: async (i) => {
      const paymentId = paymentIds[i];
      if (paymentId === undefined) return;
      const { events } = await storage.eventStore.readStream(
        paymentStreamId(E2E_TENANT, paymentId),
      );
      const types = events.map((e) => e.type);
      const attempt = events.find((e) => e.type === 'GatewayCallAttempted')?.data;
      const ok =
        types.join() === EXPECTED_EVENTS.join() &&
        attempt?.outcome === 'succeeded' &&
        attempt.httpStatus === 201;
      if (ok) complete++;
      else problems.push(`${paymentId}: [${types.join(', ')}]`);
    },
  });
  return { sampled: paymentIds.length, complete, problems };
}

export function formatRound({ measurement: m, apiCpuPercent }: E2eRound): string {
  return (
    `${Math.round(m.opsPerSec)} payments/s, p50 ${m.p50Ms.toFixed(1)} ms, ` +
    `p99 ${m.p99Ms.toFixed(1)} ms, ${m.total} 201` +
    (apiCpuPercent === undefined ? '' : ` (API CPU ${apiCpuPercent.toFixed(0)}%)`)
  );
}
