import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@ledger/local-engine';
import { repoRoot } from '@ledger/config';

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
const STOP_GRACE_MS = 5_000;
/** Enough of a child's output to explain a failed start, without holding a whole run's logs. */
const OUTPUT_TAIL_CHARS = 8_000;
/** Linux's USER_HZ: /proc/<pid>/stat reports CPU time in these ticks (100 on every usual arch). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ApiProcessOptions {
  engineEndpoint: string;
  tablePrefix: string;
  /** The configuration file the API reads (LEDGER_CONFIG); the committed one when absent. */
  configPath?: string;
}

/** A Node service the bench started in a process of its own. */
export interface RunningProcess {
  baseUrl: string;
  pid: number;
  /** Its CPU time so far (user + system), in ms; undefined where /proc is unavailable. */
  cpuMs(): number | undefined;
  /** The last lines it printed, for error messages. */
  outputTail(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

export type RunningApi = RunningProcess;

/**
 * Starts the API alone (`node dist/apps/api/src/main.js`, no stream processor) against the
 * bench's engine and tables, and resolves once GET /health answers 200.
 */
export async function startApiProcess(options: ApiProcessOptions): Promise<RunningApi> {
  const root = repoRoot();
  return startNodeProcess({
    name: 'The API',
    entry: join(root, 'dist', 'apps', 'api', 'src', 'main.js'),
    readyPath: '/health',
    env: (port) => ({
      DYNAMODB_ENDPOINT: options.engineEndpoint,
      TABLE_PREFIX: options.tablePrefix,
      PORT: String(port),
      // Per-request info lines would be part of what is measured; production would not log them.
      LOG_LEVEL: 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Absolute, so the API reads the committed config whatever the bench's cwd.
      LEDGER_CONFIG: options.configPath ?? join(root, 'ledger.config.yaml'),
    }),
  });
}

export interface SandboxProcessOptions {
  apiKey: string;
  /** Where its signed webhooks go (SANDBOX_WEBHOOK_URL); none when absent. */
  webhook?: { url: string; secret: string };
  /** Its starting faults (SANDBOX_FAULTS); none when absent. */
  faults?: Record<string, number>;
}

/**
 * Starts the sandbox gateway alone (`node dist/apps/sandbox-gateway/src/main.js`: by default no
 * faults, no webhooks), as a real gateway would be: a server in a process of its own, which
 * outlives a crash of its client. Resolves once GET /_control/stats answers 200.
 */
export function startSandboxProcess(options: SandboxProcessOptions): Promise<RunningProcess> {
  return startNodeProcess({
    name: 'The sandbox gateway',
    entry: join(repoRoot(), 'dist', 'apps', 'sandbox-gateway', 'src', 'main.js'),
    readyPath: '/_control/stats',
    env: (port) => ({
      SANDBOX_GATEWAY_PORT: String(port),
      SANDBOX_API_KEY: options.apiKey,
      ...(options.webhook && {
        SANDBOX_WEBHOOK_URL: options.webhook.url,
        SANDBOX_WEBHOOK_SECRET: options.webhook.secret,
      }),
      ...(options.faults && { SANDBOX_FAULTS: JSON.stringify(options.faults) }),
    }),
  });
}

async function startNodeProcess(options: {
  name: string;
  entry: string;
  readyPath: string;
  env: (port: number) => NodeJS.ProcessEnv;
}): Promise<RunningProcess> {
  const { name, entry } = options;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot(),
    env: { ...process.env, ...options.env(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const watched = watchChild(name, child, STOP_GRACE_MS);
  const running: RunningProcess = {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    cpuMs: () => processCpuMs(child.pid),
    outputTail: watched.outputTail,
    stop: watched.stop,
  };
  try {
    await watched.waitForReady(`${running.baseUrl}${options.readyPath}`, READY_TIMEOUT_MS);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

/** A spawned Node process as the bench holds it: the tail of its output, its stop, its readiness. */
export interface WatchedChild {
  outputTail: () => string;
  /** SIGTERM, then SIGKILL once `stopGraceMs` passed; nothing when it has already exited. */
  stop: () => Promise<void>;
  /** Resolves once GET `url` answers 200; rejects when the child exits or `timeoutMs` passes. */
  waitForReady: (url: string, timeoutMs: number) => Promise<void>;
}

/**
 * Drains `child`'s output (a full pipe would block it mid-run), keeping its tail for errors, and
 * kills it if the bench exits abruptly (Ctrl-C) before stopping it.
 */
export function watchChild(name: string, child: ChildProcess, stopGraceMs: number): WatchedChild {
  let tail = '';
  const keepTail = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => {
    if (isRunning(child)) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const outputTail = (): string => tail.trim();
  return {
    outputTail,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (!isRunning(child)) return;
      child.kill('SIGTERM');
      const timer = sleep(stopGraceMs).then(() => 'timeout' as const);
      if ((await Promise.race([exited, timer])) === 'timeout' && isRunning(child)) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    waitForReady: async (url, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer';
      while (Date.now() < deadline) {
        if (!isRunning(child)) {
          throw new Error(
            `${name} exited during start-up (code ${child.exitCode}, signal ` +
              `${child.signalCode}):\n${outputTail()}`,
          );
        }
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
          const text = await response.text();
          if (response.status === 200) return;
          last = `${response.status} ${text}`;
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
        }
        await sleep(READY_POLL_MS);
      }
      throw new Error(
        `${name} did not answer GET ${new URL(url).pathname} 200 within ${timeoutMs} ms ` +
          `(last: ${last}):\n${outputTail()}`,
      );
    },
  };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** utime + stime from /proc/<pid>/stat; the name field may hold spaces, so parse after its ')'. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5), counted from the state field (3) here.
    const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
