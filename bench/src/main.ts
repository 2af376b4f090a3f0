import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import {
  closeLedgerStorage,
  createLedgerStorage,
  tableDefinitions,
  type LedgerStorage,
} from '@ledger/event-store/aws';
import { ensureTables, startDynamoDbLocal, type RunningDynamoDbLocal } from '@ledger/local-engine';
import { USAGE, UsageError, parseArgs, type BenchArgs } from './args';
import { eventStoreScenario } from './event-store.bench';
import { gatewayScenario } from './gateway.bench';
import { paymentsAsyncScenario } from './payments-async.bench';
import { pipelineIntakeScenario } from './pipeline-intake.bench';
import { pipelineOpsScenario } from './pipeline-ops.bench';
import { pipelineSustainedScenario } from './pipeline-sustained.bench';
import { projectionScenario } from './projection.bench';
import { rebuildScenario } from './rebuild.bench';
import { publisherScenario } from './publisher.bench';
import { repoRoot } from '@ledger/config';
import { formatCheck, formatTable, writeReport, type BenchReport } from './report';
import type { Scenario } from './scenario';
import { WARM_UP_OPS, warmUp } from './warm-up';
import { webhookIngestScenario } from './webhook-ingest.bench';

/** Every scenario, run in this order; a new one only needs adding here. */
const SCENARIOS: readonly Scenario[] = [
  eventStoreScenario,
  webhookIngestScenario,
  gatewayScenario,
  projectionScenario,
  publisherScenario,
  rebuildScenario,
  pipelineIntakeScenario,
  pipelineOpsScenario,
  pipelineSustainedScenario,
  paymentsAsyncScenario,
];

const TABLE_PREFIX = 'bench-';

async function main(args: BenchArgs): Promise<void> {
  const selected = selectScenarios(args.only);
  const startedAt = new Date().toISOString();
  const log = (line: string): void => console.log(line);

  log(`Starting in-memory DynamoDB Local${args.quick ? ' (quick run)' : ''}...`);
  let engine: RunningDynamoDbLocal | undefined;
  let storage: LedgerStorage | undefined;
  const shutdown = async (): Promise<void> => {
    if (storage !== undefined) closeLedgerStorage(storage);
    await engine?.stop();
  };
  // Ctrl-C mid-run: stop the engine before leaving (the engine's watchdog is only a backstop).
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: stopping DynamoDB Local...`);
    void shutdown().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    engine = await startDynamoDbLocal();
    storage = createLedgerStorage({ endpoint: engine.endpoint, tablePrefix: TABLE_PREFIX });
    await ensureTables(storage.dynamoDb, tableDefinitions(storage.tables));
    log(`Engine at ${engine.endpoint}, tables '${TABLE_PREFIX}*'.`);

    const warmUpOps = args.quick ? WARM_UP_OPS / 10 : WARM_UP_OPS;
    log(
      `Warming up the engine's JVM: ${warmUpOps.toLocaleString('en-US')} ops ` +
        '(raw puts + appends, 16 in flight)...',
    );
    const warm = await warmUp(storage, warmUpOps);
    log(
      `Warm-up done in ${(warm.elapsedMs / 1000).toFixed(1)} s (${Math.round(warm.opsPerSec)} ops/s).`,
    );
    if (args.quick)
      log('Quick run: engine not fully warm and few ops, figures are indicative only.');

    const report: BenchReport = {
      startedAt,
      finishedAt: startedAt,
      quick: args.quick,
      environment: {
        node: process.version,
        platform: `${process.platform}/${process.arch}`,
        cpus: availableParallelism(),
        engine: 'DynamoDB Local (in memory)',
      },
      warmUp: warm,
      scenarios: [],
    };
    for (const scenario of selected) {
      log(`\nScenario ${scenario.name}: ${scenario.summary}`);
      const result = await scenario.run({
        storage,
        engineEndpoint: engine.endpoint,
        tablePrefix: TABLE_PREFIX,
        quick: args.quick,
        log,
      });
      report.scenarios.push({ name: scenario.name, summary: scenario.summary, ...result });
    }
    report.finishedAt = new Date().toISOString();

    log('');
    log(formatTable(report.scenarios.flatMap((s) => s.rows)));
    for (const scenario of report.scenarios) {
      log('');
      for (const note of scenario.notes) log(`${scenario.name}: ${note}`);
      for (const item of scenario.checks) log(formatCheck(item));
    }

    const path = join(repoRoot(), 'bench', 'results', 'latest.json');
    await writeReport(path, report);
    log(`\nResults written to ${relative(process.cwd(), path) || path}`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await shutdown();
  }
}

function selectScenarios(only: readonly string[]): Scenario[] {
  if (only.length === 0) return [...SCENARIOS];
  const known = new Set(SCENARIOS.map((s) => s.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown scenario(s): ${unknown.join(', ')}. Available: ${[...known].join(', ')}`,
    );
  }
  return SCENARIOS.filter((s) => only.includes(s.name));
}

function run(): void {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  main(args).catch((error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    console.error('Bench failed:', error);
    process.exitCode = 1;
  });
}

run();
