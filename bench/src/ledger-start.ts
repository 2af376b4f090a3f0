import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@ledger/config';
import { freePorts } from '@ledger/local-engine';
import type { SenderConfig } from './webhook-ingest.payload';
import { watchChild } from './child-process';
import { childrenCpuMs, treeCpuMs } from './process-tree';

/** Generous: on a shared 2-core machine under load, Nest's start and the table checks are slow. */
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;

/** The tenant and provider of the bench's configuration file (the provider is `sandbox`). */
export const PIPELINE_TENANT = 'bench';
/** The bench tenant's API key in the file below, for scenarios that call its API. */
export const PIPELINE_API_KEY = 'bench-only-api-key';
const PROVIDER_SECRET = 'whsec_YmVuY2gtb25seS1ub3QtYS1yZWFsLXNlY3JldC0wMQ==';

/** What a sender of the bench tenant's provider needs (scheme and secret of the file below). */
export const PIPELINE_SENDER: SenderConfig = {
  tenant: PIPELINE_TENANT,
  scheme: 'standard-webhooks',
  secret: PROVIDER_SECRET,
};

/**
 * The bench's configuration: one tenant on the sandbox gateway `ledger start` runs, one
 * standard-webhooks provider named `sandbox`. The sweeper is off: its timer would reconcile the
 * seeded payments still waiting for their delivery with a sandbox that never charged them.
 */
const CONFIG_YAML = `# Written by the bench (bench/src/ledger-start.ts); deleted after the run.
environment: development
tenants:
  - id: ${PIPELINE_TENANT}
    apiKeys: ['${PIPELINE_API_KEY}']
    gateway:
      kind: sandbox
      baseUrl: null
      apiKey: 'bench-only-sandbox-key'
      webhookProvider: sandbox
providers:
  - name: sandbox
    tenant: ${PIPELINE_TENANT}
    scheme: standard-webhooks
    secrets: ['${PROVIDER_SECRET}']
    toleranceSeconds: 300
api:
  cursorKey: 'bench-only-cursor-key-not-secret'
payments:
  sweeper:
    enabled: false
    intervalSeconds: 60
    olderThanSeconds: 300
    maxPerRun: 200
`;

export interface LedgerStartOptions {
  engineEndpoint: string;
  tablePrefix: string;
  /** Extra environment (e.g. the op log's). */
  env?: NodeJS.ProcessEnv;
}

/** `ledger start` as the bench runs it: its own process (tree), ports, data directory. */
export interface RunningLedger {
  baseUrl: string;
  /** The sandbox gateway `ledger start` runs (its `/_control` routes included). */
  sandboxUrl: string;
  pid: number;
  /** CPU time of its whole process tree so far (user + system), in ms; undefined without /proc. */
  treeCpuMs(): number | undefined;
  /** CPU time so far of the processes it started (its consumers' process), in ms. */
  consumersCpuMs(): number | undefined;
  outputTail(): string;
  /** SIGTERM (its Ctrl-C path), then SIGKILL after 10 s; removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts the built CLI's `ledger start` (`node dist/apps/cli/src/main.js start`) against the bench's
 * engine and tables, with the bench's configuration, on free ports; resolves once GET /health
 * answers 200. Whatever `ledger start` runs (its processes, its consumers) is what is measured.
 */
export async function startLedger(options: LedgerStartOptions): Promise<RunningLedger> {
  const root = repoRoot();
  const entry = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const configPath = join(dir, 'ledger.config.yaml');
  writeFileSync(configPath, CONFIG_YAML);
  const [port, busPort, sandboxPort, enginePort] = await freePorts(4);
  const child = spawn(process.execPath, [entry, 'start'], {
    cwd: root,
    env: {
      ...process.env,
      DYNAMODB_ENDPOINT: options.engineEndpoint,
      TABLE_PREFIX: options.tablePrefix,
      PORT: String(port),
      LOCAL_BUS_PORT: String(busPort),
      SANDBOX_GATEWAY_PORT: String(sandboxPort),
      DYNAMODB_LOCAL_PORT: String(enginePort),
      LEDGER_DATA_DIR: join(dir, 'data'),
      LEDGER_CONFIG: configPath,
      // Per-request info lines would be part of what is measured; production would not log them.
      LOG_LEVEL: 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = watchChild('ledger start', child, STOP_GRACE_MS);
  const pid = child.pid ?? -1;
  const running: RunningLedger = {
    baseUrl: `http://127.0.0.1:${port}`,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    pid,
    treeCpuMs: () => treeCpuMs(pid),
    consumersCpuMs: () => childrenCpuMs(pid),
    outputTail: watched.outputTail,
    async stop() {
      await watched.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await watched.waitForReady(`${running.baseUrl}/health`, READY_TIMEOUT_MS);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}
