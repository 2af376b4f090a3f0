// A throwaway local stack for the console scripts: the built CLI's `ledger start` on free ports,
// a fresh data directory and its own table prefix, so it never meets a running `npm start`.
import { URLSearchParams } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetch } from 'undici';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

/** The committed example configuration's keys (placeholders). */
export const KEYS = {
  acme: 'local-dev-key-acme',
  globex: 'local-dev-key-globex',
  operator: 'local-dev-key-operator',
};

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** Starts `ledger start` (run `npm run build` first) and resolves once /health answers 200. */
export async function startStack() {
  const [api, engine, bus, sandbox] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env = {
    ...process.env,
    PORT: String(api),
    DYNAMODB_LOCAL_PORT: String(engine),
    LOCAL_BUS_PORT: String(bus),
    SANDBOX_GATEWAY_PORT: String(sandbox),
    LEDGER_DATA_DIR: mkdtempSync(join(tmpdir(), 'ledger-console-')),
    TABLE_PREFIX: 'console-',
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  delete env.DYNAMODB_ENDPOINT;
  const child = spawn(process.execPath, [CLI, 'start'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${api}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ledger start exited with ${child.exitCode}`);
    const ok = await fetch(`${baseUrl}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('ledger start did not become healthy in 120 s');
    await sleep(250);
  }
  return {
    baseUrl,
    sandboxUrl: `http://127.0.0.1:${sandbox}`,
    env: { ...env, DYNAMODB_ENDPOINT: `http://127.0.0.1:${engine}` },
    stop: () =>
      new Promise((done) => {
        child.once('exit', done);
        child.kill('SIGINT');
      }),
  };
}

/** POSTs to one of the sandbox gateway's control routes. */
export async function sandboxControl(stack, path, body) {
  const response = await fetch(`${stack.sandboxUrl}/_control/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`sandbox ${path}: ${await response.text()}`);
}

/**
 * Requests one payment as `tenant`; resolves with its id. A 503 (a busy engine) is asked again
 * with the same idempotency key after a pause, as a client should.
 */
export async function pay(stack, tenant, key, body) {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${stack.baseUrl}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEYS[tenant]}`,
        'idempotency-key': key,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (response.status === 201) return (await response.json()).paymentId;
    if ((response.status !== 503 && response.status !== 409) || attempt === 10) {
      throw new Error(`payment ${key}: ${response.status} ${await response.text()}`);
    }
    await response.body?.cancel();
    await sleep(1_000 * attempt);
  }
}

/** A console session cookie (`name=value`) for `key`. */
export async function consoleSession(stack, key) {
  const response = await fetch(`${stack.baseUrl}/console/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ apiKey: key }).toString(),
    redirect: 'manual',
  });
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 303 || cookie === null) throw new Error(`sign-in: ${response.status}`);
  return cookie.split(';')[0];
}

/** Polls `condition` until it holds (generous limit: the projector and correlator trail). */
export async function waitFor(what, condition, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
