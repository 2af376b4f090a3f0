import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startApiProcess, type RunningApi } from './child-process';
import { measure, median, type Measurement } from './harness';
import { repoRoot } from '@ledger/config';
import {
  check,
  type BenchContext,
  type ResultRow,
  type Scenario,
  type ScenarioResult,
} from './scenario';
import type { LoadResult } from './webhook-ingest.loadgen';
import { PROVIDER, deliveryId, webhookBody, type SenderConfig } from './webhook-ingest.payload';
import {
  deliveryPk,
  missingEvents,
  probeDelivery,
  rawPutWorkload,
  runLoad,
  sandboxSender,
  storedDeliverySize,
  type RawPutWorkload,
} from './webhook-ingest.workload';

const NAME = 'webhook-ingest';
const ROUNDS = 3;
const CONNECTIONS = 64;
const RAW_IN_FLIGHT = 16;
/** From the issue: ingest over HTTP should keep at least half the raw write rate. */
const TARGET_RATIO = 0.5;
/** Above this share of one core, the load generator, not the API, may be what limits the rate. */
const LOADGEN_CPU_WARN_PERCENT = 90;

const FULL = { httpSeconds: 10, apiWarmUpSeconds: 5, rawOps: 5_000, rawWarmUpOps: 1_000 };
const QUICK = { httpSeconds: 2, apiWarmUpSeconds: 1, rawOps: 500, rawWarmUpOps: 100 };
type Sizing = typeof FULL;

type Kind = 'raw' | 'http';
const LABELS: Record<Kind, string> = { raw: 'raw PutItem', http: `POST /webhooks/${PROVIDER}` };

interface HttpRun {
  /** Its index, part of its delivery ids: 0 is the API warm-up. */
  run: number;
  load: LoadResult;
  /** The API process's CPU over the run, in % of one core, where /proc tells. */
  apiCpuPercent?: number;
}

/** Delivery ids of one bench process: `wh-<run>-<kind><n>-<seq>`, all of the same length. */
interface IdPrefixes {
  probe: string;
  raw: string;
  http(run: number): string;
}

/**
 * Signed, never-seen webhook deliveries through the API (its own process, 64 connections from
 * autocannon in another process) against the raw conditional PutItem of the same item at 16 in
 * flight, on the same engine: the ratio is what the HTTP layer, verification and the receiver
 * keep of the write rate underneath.
 */
export const webhookIngestScenario: Scenario = {
  name: NAME,
  summary: `signed new webhooks over HTTP (${CONNECTIONS} connections) vs raw PutItem @${RAW_IN_FLIGHT}`,
  async run(context: BenchContext) {
    const sizing = context.quick ? QUICK : FULL;
    const sender = sandboxSender(join(repoRoot(), 'ledger.config.yaml'));
    const runId = randomBytes(4).toString('hex');
    const ids: IdPrefixes = {
      probe: `wh-${runId}-p0-`,
      raw: `wh-${runId}-r0-`,
      http: (run) => `wh-${runId}-h${run}-`,
    };

    context.log('  starting the API (dist/apps/api/src/main.js, LOG_LEVEL=warn)...');
    const api = await startApiProcess({
      engineEndpoint: context.engineEndpoint,
      tablePrefix: context.tablePrefix,
    });
    let measured: Measured;
    try {
      context.log(`  API at ${api.baseUrl} (pid ${api.pid}), healthy.`);
      await probeDelivery(api.baseUrl, sender, deliveryId(ids.probe, 1));
      measured = await measureBothSides(context, api, sender, ids, sizing);
    } finally {
      // A graceful close: requests in flight finish before the stored deliveries are checked.
      await api.stop();
    }
    return report(context, sender, ids, sizing, measured);
  },
};

interface Measured {
  warmUp: HttpRun;
  http: HttpRun[];
  raw: Measurement[];
  rawWorkload: RawPutWorkload;
}

async function measureBothSides(
  context: BenchContext,
  api: RunningApi,
  sender: SenderConfig,
  ids: IdPrefixes,
  sizing: Sizing,
): Promise<Measured> {
  const httpRun = async (run: number, seconds: number): Promise<HttpRun> => {
    const cpuBefore = api.cpuMs();
    const load = await runLoad({
      url: `${api.baseUrl}/webhooks/${PROVIDER}`,
      connections: CONNECTIONS,
      durationSeconds: seconds,
      idPrefix: ids.http(run),
      sender,
    });
    const cpuAfter = api.cpuMs();
    // No figure to take from such a run; non-2xx in a run that has some 2xx are reported as WARN.
    if (load.ok === 0) {
      throw new Error(
        `HTTP run ${run}: no 2xx answer (${formatStatusCodes([load]) || 'no response'}, ` +
          `${load.errors} connection errors). API output:\n${api.outputTail()}`,
      );
    }
    const apiCpuPercent =
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : ((cpuAfter - cpuBefore) / (load.durationSeconds * 1000)) * 100;
    return { run, load, apiCpuPercent };
  };

  // The API's JIT, connection pools and caches, like the engine's before: measured when hot.
  context.log(`  warming the API up: ${sizing.apiWarmUpSeconds} s at ${CONNECTIONS} connections`);
  const warmUp = await httpRun(0, sizing.apiWarmUpSeconds);
  context.log(`  API warm-up: ${formatHttpRun(warmUp)}`);

  const rawWorkload = rawPutWorkload(context.storage, sender, {
    idPrefix: ids.raw,
    host: new URL(api.baseUrl).host,
  });
  await measure({
    name: `${NAME} raw warm-up`,
    inFlight: RAW_IN_FLIGHT,
    total: sizing.rawWarmUpOps,
    op: () => rawWorkload.put(),
  });

  const http: HttpRun[] = [];
  const raw: Measurement[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Swap who goes first each round, so neither side always runs on the fresher engine.
    const order: Kind[] = round % 2 === 0 ? ['raw', 'http'] : ['http', 'raw'];
    for (const kind of order) {
      const prefix = `  round ${round + 1}/${ROUNDS} ${LABELS[kind].padEnd(24)}`;
      if (kind === 'http') {
        const result = await httpRun(round + 1, sizing.httpSeconds);
        http.push(result);
        context.log(`${prefix} ${formatHttpRun(result)}`);
      } else {
        const result = await measure({
          name: `${NAME} ${LABELS.raw}`,
          inFlight: RAW_IN_FLIGHT,
          total: sizing.rawOps,
          op: () => rawWorkload.put(),
        });
        raw.push(result);
        context.log(
          `${prefix} ${Math.round(result.opsPerSec)} ops/s, p50 ${result.p50Ms.toFixed(1)} ms, ` +
            `p99 ${result.p99Ms.toFixed(1)} ms`,
        );
      }
    }
  }
  return { warmUp, http, raw, rawWorkload };
}

async function report(
  context: BenchContext,
  sender: SenderConfig,
  ids: IdPrefixes,
  sizing: Sizing,
  measured: Measured,
): Promise<ScenarioResult> {
  const { warmUp, http, raw, rawWorkload } = measured;
  const httpRow: ResultRow = {
    scenario: NAME,
    label: LABELS.http,
    inFlight: CONNECTIONS,
    opsPerRound: Math.round(median(http.map((r) => r.load.ok))),
    opsPerSec: median(http.map((r) => r.load.okPerSec)),
    p50Ms: median(http.map((r) => r.load.p50Ms)),
    p99Ms: median(http.map((r) => r.load.p99Ms)),
    roundsOpsPerSec: http.map((r) => Math.round(r.load.okPerSec)),
  };
  const rawRow: ResultRow = {
    scenario: NAME,
    label: LABELS.raw,
    inFlight: RAW_IN_FLIGHT,
    opsPerRound: sizing.rawOps,
    opsPerSec: median(raw.map((r) => r.opsPerSec)),
    p50Ms: median(raw.map((r) => r.p50Ms)),
    p99Ms: median(raw.map((r) => r.p99Ms)),
    roundsOpsPerSec: raw.map((r) => Math.round(r.opsPerSec)),
  };

  // Every HTTP run counts here, warm-up included: each delivery it got a 2xx for must be stored.
  const runs = [warmUp, ...http].map((r) => r.load);
  const sum = (pick: (r: LoadResult) => number): number =>
    runs.reduce((total, r) => total + pick(r), 0);
  const ok = sum((r) => r.ok);
  const non2xx = sum((r) => r.non2xx);
  const errors = sum((r) => r.errors);
  const duplicates = sum((r) => r.duplicates);
  const acknowledged = [warmUp, ...http].flatMap((r) =>
    r.load.okSeqs.map((seq) => deliveryPk(sender, deliveryId(ids.http(r.run), seq))),
  );
  context.log(`  checking the ${acknowledged.length} acknowledged deliveries are stored...`);
  const checkStarted = Date.now();
  const missing = await missingEvents(context.storage, acknowledged);
  context.log(`  checked in ${((Date.now() - checkStarted) / 1000).toFixed(1)} s.`);

  const lastHttp = http.at(-1);
  const lastHttpSeq = lastHttp?.load.okSeqs.at(-1);
  const lastHttpId =
    lastHttp === undefined || lastHttpSeq === undefined
      ? undefined
      : deliveryId(ids.http(lastHttp.run), lastHttpSeq);
  const rawId = rawWorkload.lastId();
  const sizes = {
    raw:
      rawId === undefined
        ? undefined
        : await storedDeliverySize(context.storage, deliveryPk(sender, rawId)),
    http:
      lastHttpId === undefined
        ? undefined
        : await storedDeliverySize(context.storage, deliveryPk(sender, lastHttpId)),
  };
  const loadGenCpu = median(http.map((r) => r.load.cpuPercent));
  const apiCpus = http.flatMap((r) => (r.apiCpuPercent === undefined ? [] : [r.apiCpuPercent]));

  const notes = [
    `${ROUNDS} rounds per side, interleaved (raw/http, then http/raw, ...); each figure is the ` +
      'median of its rounds (ops/s, p50 and p99 each on their own).',
    `HTTP: the API alone in its own process (LOG_LEVEL=warn), loaded by autocannon in another ` +
      `process: ${CONNECTIONS} connections, ${sizing.httpSeconds} s per round after a ` +
      `${sizing.apiWarmUpSeconds} s warm-up (discarded); each request a new delivery id, body ` +
      `(${webhookBody(deliveryId(ids.http(1), 1)).length} B) and standard-webhooks signature. ops/s = 2xx answers per second; ` +
      'p50/p99 over 2xx response times.',
    `Raw: conditional PutItem (attribute_not_exists(pk)) from the bench process, ${RAW_IN_FLIGHT} ` +
      'in flight, of an item built per op with toEventItem like the stored WebhookReceived event ' +
      '(same body, header set and metadata).',
    `Item size read back: raw ${sizes.raw} B, http ${sizes.http} B` +
      (sizes.raw === sizes.http ? '.' : ' (WARN: sizes differ, comparison is skewed).'),
    `CPU, % of one core (median of rounds): load generator ${loadGenCpu.toFixed(0)}%` +
      (apiCpus.length > 0 ? `, API ${median(apiCpus).toFixed(0)}%` : '') +
      '; engine, API and load generator share the machine.' +
      (loadGenCpu > LOADGEN_CPU_WARN_PERCENT
        ? ' WARN: the load generator is near a full core and may be the bottleneck.'
        : ''),
    non2xx === 0 && errors === 0
      ? `Responses: all ${ok} 2xx (warm-up included), no connection errors.`
      : `WARN: ${non2xx} non-2xx responses (${formatStatusCodes(runs)}) and ${errors} ` +
        `connection errors, against ${ok} 2xx (warm-up included).`,
    duplicates === 0
      ? 'No "duplicate": true answers: every delivery was new.'
      : `WARN: ${duplicates} answers said "duplicate": true, though every delivery id was new.`,
    missing.length === 0
      ? `Stored: all ${acknowledged.length} deliveries answered 2xx were read back by key.`
      : `WARN: ${missing.length} of ${acknowledged.length} deliveries answered 2xx are not ` +
        `stored, e.g. ${missing.slice(0, 3).join(', ')}.`,
  ];
  return {
    rows: [httpRow, rawRow],
    checks: [
      check(
        `ratio webhook ingest / raw put @${RAW_IN_FLIGHT}`,
        httpRow.opsPerSec / rawRow.opsPerSec,
        TARGET_RATIO,
      ),
    ],
    notes,
    details: {
      rounds: ROUNDS,
      connections: CONNECTIONS,
      httpSecondsPerRound: sizing.httpSeconds,
      apiWarmUp: withoutSeqs(warmUp),
      httpRounds: http.map(withoutSeqs),
      itemSizeBytes: sizes,
      responses: { ok, non2xx, errors, duplicates, missing: missing.length },
    },
  };
}

function formatHttpRun({ load, apiCpuPercent }: HttpRun): string {
  const problems = [
    load.non2xx > 0 ? `${load.non2xx} non-2xx (${formatStatusCodes([load])})` : '',
    load.errors > 0 ? `${load.errors} errors` : '',
    load.duplicates > 0 ? `${load.duplicates} duplicates` : '',
  ].filter((text) => text !== '');
  return (
    `${Math.round(load.okPerSec)} req/s, p50 ${load.p50Ms.toFixed(1)} ms, ` +
    `p99 ${load.p99Ms.toFixed(1)} ms, ${load.ok} 2xx` +
    (problems.length > 0 ? `, WARN: ${problems.join(', ')}` : '') +
    ` (CPU: load generator ${load.cpuPercent.toFixed(0)}%` +
    (apiCpuPercent === undefined ? ')' : `, API ${apiCpuPercent.toFixed(0)}%)`)
  );
}

function formatStatusCodes(runs: readonly LoadResult[]): string {
  const counts = new Map<string, number>();
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statusCodes)) {
      if (!code.startsWith('2')) counts.set(code, (counts.get(code) ?? 0) + count);
    }
  }
  return [...counts].map(([code, count]) => `${code}: ${count}`).join(', ');
}

/** A run for the JSON report: the thousands of sequence numbers are only for the check. */
function withoutSeqs(
  httpRun: HttpRun,
): Omit<HttpRun, 'load'> & { load: Omit<LoadResult, 'okSeqs'> } {
  const summary = ({ okSeqs: _okSeqs, ...rest }: LoadResult): Omit<LoadResult, 'okSeqs'> => rest;
  return { ...httpRun, load: summary(httpRun.load) };
}
