import { randomBytes } from 'node:crypto';
import { measure, median, type Measurement } from './harness';
import { startLedger, PIPELINE_SENDER, type RunningLedger } from './ledger-start';
import { engineProcessIds, processesCpuMs } from './process-tree';
import { skipConsumerBacklogs } from './pipeline.workload';
import { check, type BenchContext, type ResultRow, type Scenario } from './scenario';
import type { LoadResult } from './webhook-ingest.loadgen';
import { PROVIDER, deliveryId } from './webhook-ingest.payload';
import { probeDelivery, rawPutWorkload, runLoad } from './webhook-ingest.workload';

const NAME = 'pipeline-intake';
const ROUNDS = 3;
const CONNECTIONS = 64;
const RAW_IN_FLIGHT = 16;
/** Issue #18: intake with the consumers running keeps at least this share of raw PutItem. */
const TARGET_RATIO = 0.85;

const FULL = { httpSeconds: 10, warmUpSeconds: 5, rawOps: 5_000, rawWarmUpOps: 1_000 };
const QUICK = { httpSeconds: 2, warmUpSeconds: 1, rawOps: 500, rawWarmUpOps: 100 };

interface Cpu {
  /** CPU ms of `ledger start`'s process tree and of DynamoDB Local over a run. */
  ledgerMs?: number;
  engineMs?: number;
}

interface HttpRound {
  load: LoadResult;
  cpu: Cpu;
}

/** CPU ms the tree and the engine spent while `work` ran. */
async function withCpu<T>(ledger: RunningLedger, work: () => Promise<T>): Promise<[T, Cpu]> {
  const engine = engineProcessIds();
  const before = { ledger: ledger.treeCpuMs(), engine: processesCpuMs(engine) };
  const result = await work();
  const after = { ledger: ledger.treeCpuMs(), engine: processesCpuMs(engine) };
  const diff = (a?: number, b?: number): number | undefined =>
    a === undefined || b === undefined ? undefined : b - a;
  return [
    result,
    { ledgerMs: diff(before.ledger, after.ledger), engineMs: diff(before.engine, after.engine) },
  ];
}

/**
 * Webhook intake of `ledger start` as it runs (the API with the correlator, projector and
 * publisher live on the same engine), 64 connections of unique signed ~1 KB deliveries, against
 * raw conditional PutItem at 16 in flight, interleaved in rounds on the same engine.
 */
export const pipelineIntakeScenario: Scenario = {
  name: NAME,
  summary: `webhook intake of \`ledger start\` (consumers live, ${CONNECTIONS} connections) vs raw PutItem @${RAW_IN_FLIGHT}`,
  async run(context: BenchContext) {
    const sizing = context.quick ? QUICK : FULL;
    const runId = randomBytes(4).toString('hex');
    const prefix = (kind: string): string => `pi-${runId}-${kind}-`;
    const sender = PIPELINE_SENDER;

    context.log("  moving every consumer to the head of the stream (earlier scenarios' events)...");
    const skipped = await skipConsumerBacklogs(context);
    context.log('  starting `ledger start` (dist/apps/cli/src/main.js start, LOG_LEVEL=warn)...');
    const ledger = await startLedger({
      engineEndpoint: context.engineEndpoint,
      tablePrefix: context.tablePrefix,
    });
    const http: HttpRound[] = [];
    const raw: Array<{ m: Measurement; cpu: Cpu }> = [];
    try {
      context.log(`  ledger start at ${ledger.baseUrl} (pid ${ledger.pid}), healthy.`);
      await probeDelivery(ledger.baseUrl, sender, deliveryId(prefix('p'), 1));
      const httpRun = async (run: number, seconds: number): Promise<HttpRound> => {
        const [load, cpu] = await withCpu(ledger, () =>
          runLoad({
            url: `${ledger.baseUrl}/webhooks/${PROVIDER}`,
            connections: CONNECTIONS,
            durationSeconds: seconds,
            idPrefix: prefix(`h${run}`),
            sender,
          }),
        );
        if (load.ok === 0) {
          throw new Error(`HTTP run ${run}: no 2xx answer. Output:\n${ledger.outputTail()}`);
        }
        return { load, cpu };
      };
      context.log(`  warming up: ${sizing.warmUpSeconds} s at ${CONNECTIONS} connections`);
      const warm = await httpRun(0, sizing.warmUpSeconds);
      context.log(`  warm-up: ${formatRound(warm)}`);
      const workload = rawPutWorkload(context.storage, sender, {
        idPrefix: prefix('r'),
        host: new URL(ledger.baseUrl).host,
      });
      await measure({
        name: `${NAME} raw warm-up`,
        inFlight: RAW_IN_FLIGHT,
        total: sizing.rawWarmUpOps,
        op: () => workload.put(),
      });
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? ['raw', 'http'] : ['http', 'raw'];
        for (const kind of order) {
          const label = `  round ${round + 1}/${ROUNDS} ${kind.padEnd(5)}`;
          if (kind === 'http') {
            const result = await httpRun(round + 1, sizing.httpSeconds);
            http.push(result);
            context.log(`${label} ${formatRound(result)}`);
          } else {
            // The consumers keep working on the HTTP round's deliveries meanwhile, as they would.
            const [m, cpu] = await withCpu(ledger, () =>
              measure({
                name: `${NAME} raw PutItem`,
                inFlight: RAW_IN_FLIGHT,
                total: sizing.rawOps,
                op: () => workload.put(),
              }),
            );
            raw.push({ m, cpu });
            context.log(
              `${label} ${Math.round(m.opsPerSec)} ops/s, p50 ${m.p50Ms.toFixed(1)} ms, ` +
                `p99 ${m.p99Ms.toFixed(1)} ms`,
            );
          }
        }
      }
    } finally {
      await ledger.stop();
    }

    const perRequest = (cpuMs: number | undefined, requests: number): number =>
      cpuMs === undefined ? Number.NaN : cpuMs / requests;
    const ledgerCpu = median(http.map((r) => perRequest(r.cpu.ledgerMs, r.load.ok)));
    const engineCpu = median(http.map((r) => perRequest(r.cpu.engineMs, r.load.ok)));
    const rawEngineCpu = median(raw.map((r) => perRequest(r.cpu.engineMs, r.m.total)));
    const httpRow: ResultRow = {
      scenario: NAME,
      label: `POST /webhooks/${PROVIDER} (ledger start)`,
      inFlight: CONNECTIONS,
      opsPerRound: Math.round(median(http.map((r) => r.load.ok))),
      opsPerSec: median(http.map((r) => r.load.okPerSec)),
      p50Ms: median(http.map((r) => r.load.p50Ms)),
      p99Ms: median(http.map((r) => r.load.p99Ms)),
      roundsOpsPerSec: http.map((r) => Math.round(r.load.okPerSec)),
    };
    const rawRow: ResultRow = {
      scenario: NAME,
      label: 'raw PutItem',
      inFlight: RAW_IN_FLIGHT,
      opsPerRound: sizing.rawOps,
      opsPerSec: median(raw.map((r) => r.m.opsPerSec)),
      p50Ms: median(raw.map((r) => r.m.p50Ms)),
      p99Ms: median(raw.map((r) => r.m.p99Ms)),
      roundsOpsPerSec: raw.map((r) => Math.round(r.m.opsPerSec)),
    };
    const non2xx = http.reduce((sum, r) => sum + r.load.non2xx + r.load.errors, 0);
    return {
      rows: [httpRow, rawRow],
      checks: [
        check(
          `ratio pipeline intake / raw put @${RAW_IN_FLIGHT}`,
          httpRow.opsPerSec / rawRow.opsPerSec,
          TARGET_RATIO,
        ),
        check('CPU ms per request, ledger start process tree', ledgerCpu),
        check('CPU ms per request, DynamoDB Local (during intake)', engineCpu),
      ],
      notes: [
        `${ROUNDS} rounds per side, interleaved (raw/http, then http/raw, ...); figures are the ` +
          'median of the rounds. `ledger start` is the built CLI in its own process (tree), on ' +
          "the runner's engine and tables, its own ports and a bench configuration (one tenant, " +
          'the `sandbox` provider, sweeper off); every consumer was first moved to the head of ' +
          `the stream (${Object.entries(skipped)
            .map(([name, s]) => `${name} ${s.records}`)
            .join(', ')} earlier records skipped).`,
        `HTTP: autocannon in its own process, ${CONNECTIONS} connections, ${sizing.httpSeconds} s ` +
          `per round after a ${sizing.warmUpSeconds} s warm-up; each a new signed delivery ` +
          '(~1 KB, naming no payment: the correlator reads and keeps it, the projector and the ' +
          'publisher skip it). The consumers run throughout, raw rounds included.',
        `CPU per 2xx request (median of rounds, from /proc): ledger start's tree ` +
          `${ledgerCpu.toFixed(2)} ms, DynamoDB Local ${engineCpu.toFixed(2)} ms; the engine ` +
          `per raw PutItem ${rawEngineCpu.toFixed(2)} ms. Load generator CPU ` +
          `${median(http.map((r) => r.load.cpuPercent)).toFixed(0)}% of a core.`,
        non2xx === 0
          ? 'Responses: every measured request answered 2xx.'
          : `WARN: ${non2xx} non-2xx answers or connection errors in the measured rounds.`,
      ],
      details: {
        rounds: http.map((r) => ({
          okPerSec: r.load.okPerSec,
          p50Ms: r.load.p50Ms,
          p99Ms: r.load.p99Ms,
          ok: r.load.ok,
          non2xx: r.load.non2xx,
          errors: r.load.errors,
          cpu: r.cpu,
        })),
        raw: raw.map((r) => ({ ...r.m, cpu: r.cpu })),
        cpuMsPerRequest: { ledger: ledgerCpu, engine: engineCpu, engineRaw: rawEngineCpu },
        skippedBacklog: skipped,
      },
    };
  },
};

function formatRound({ load, cpu }: HttpRound): string {
  const per = (ms?: number): string =>
    ms === undefined ? '?' : (ms / Math.max(1, load.ok)).toFixed(2);
  return (
    `${Math.round(load.okPerSec)} req/s, p50 ${load.p50Ms.toFixed(1)} ms, p99 ` +
    `${load.p99Ms.toFixed(1)} ms, ${load.ok} 2xx` +
    (load.non2xx + load.errors > 0 ? `, WARN ${load.non2xx} non-2xx, ${load.errors} errors` : '') +
    ` (CPU ms/req: ledger ${per(cpu.ledgerMs)}, engine ${per(cpu.engineMs)})`
  );
}
