import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '@ledger/local-engine';

const CLI = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');

export interface LedgerProcess {
  baseUrl: string;
  env: Record<string, string>;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGINT, as Ctrl-C) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Ports, a data dir and a table prefix no other test uses, so instances run side by side. */
export async function isolatedEnv(
  overrides: Record<string, string> = {},
): Promise<Record<string, string>> {
  // Held together while found, so no two of them can be the same port.
  const [api, engine, bus, sandbox] = await freePorts(4);
  return {
    PORT: String(api),
    DYNAMODB_LOCAL_PORT: String(engine),
    LOCAL_BUS_PORT: String(bus),
    SANDBOX_GATEWAY_PORT: String(sandbox),
    LEDGER_DATA_DIR: mkdtempSync(join(tmpdir(), 'ledger-e2e-')),
    TABLE_PREFIX: 'e2e-',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...overrides,
  };
}

/** Runs `ledger start` (the built CLI, as `npm start` does) as a child process. */
export function spawnLedger(
  env: Record<string, string>,
  args: string[] = ['start'],
): LedgerProcess {
  const processEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // The tests' own engine must not leak into the child: it starts its own unless told otherwise.
  if (env.DYNAMODB_ENDPOINT === undefined) delete processEnv.DYNAMODB_ENDPOINT;
  const child = spawn(process.execPath, [CLI, ...args], {
    env: processEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    baseUrl: `http://127.0.0.1:${env.PORT}`,
    env,
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGINT') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `GET /health` until it answers 200, or fails with the process's output. */
export async function waitForHealthy(ledger: LedgerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (ledger.child.exitCode !== null) {
      throw new Error(`ledger exited with ${ledger.child.exitCode}:\n${ledger.output()}`);
    }
    try {
      const response = await fetch(`${ledger.baseUrl}/health`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`ledger did not become healthy within ${timeoutMs} ms:\n${ledger.output()}`);
}

/** Process ids of the stream consumers' processes `ledger start` (pid `ledgerPid`) runs. */
export function consumerProcesses(ledgerPid: number): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(
      ([, ppid, ...args]) =>
        Number(ppid) === ledgerPid && args.some((arg) => arg.includes('stream-processor')),
    )
    .map(([pid]) => Number(pid));
}

/** Process ids of DynamoDB Local engines listening on `port`. */
export function engineProcesses(port: string): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port} `))
    .filter((line) => !line.includes('/bin/sh'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}
