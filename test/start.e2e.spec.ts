import { createServer, type Server } from 'node:net';
import { createLedgerStorage } from '@ledger/event-store/aws';
import {
  engineProcesses,
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return condition();
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, () => resolve(server));
  });
}

describe('ledger start', () => {
  let ledger: LedgerProcess | undefined;

  afterEach(async () => {
    await ledger?.stop('SIGKILL');
    ledger = undefined;
  });

  describe('when nothing but the defaults is set', () => {
    it('answers GET /health, speaks problem+json, and stops cleanly on Ctrl-C', async () => {
      const env = await isolatedEnv();
      ledger = spawnLedger(env);
      await waitForHealthy(ledger);

      const health = await fetch(`${ledger.baseUrl}/health`);
      const missing = await fetch(`${ledger.baseUrl}/no-such-route`, {
        headers: { 'x-correlation-id': 'e2e-corr-1' },
      });
      expect(await health.json()).toEqual({
        status: 'ok',
        dynamodb: 'up',
        bus: 'up',
        gateway: { circuit: 'closed', notClosed: 0 },
        consumers: 'running',
        backlog: { requested: 0, atLeast: false },
      });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      expect(missing.headers.get('x-correlation-id')).toBe('e2e-corr-1');
      expect(await missing.json()).toMatchObject({ status: 404, code: 'not_found' });
      expect(engineProcesses(env.DYNAMODB_LOCAL_PORT)).toHaveLength(1);

      const code = await ledger.stop('SIGINT');

      expect(code).toBe(0);
      expect(
        await waitUntil(() => engineProcesses(env.DYNAMODB_LOCAL_PORT).length === 0, 10_000),
      ).toBe(true);
      const logLines = ledger
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      const requestLine = logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((l) => l.url === '/no-such-route');
      expect(requestLine).toMatchObject({ correlationId: 'e2e-corr-1', status: 404 });
    });
  });

  describe('when the ledger process is killed outright', () => {
    it('leaves no orphan DynamoDB Local behind', async () => {
      const env = await isolatedEnv();
      ledger = spawnLedger(env);
      await waitForHealthy(ledger);
      expect(engineProcesses(env.DYNAMODB_LOCAL_PORT)).toHaveLength(1);

      await ledger.stop('SIGKILL');

      expect(
        await waitUntil(() => engineProcesses(env.DYNAMODB_LOCAL_PORT).length === 0, 10_000),
      ).toBe(true);
    });
  });

  describe('when data is kept between runs', () => {
    it('finds the events of the previous run in LEDGER_DATA_DIR', async () => {
      const env = await isolatedEnv();
      const engine = `http://127.0.0.1:${env.DYNAMODB_LOCAL_PORT}`;
      ledger = spawnLedger(env);
      await waitForHealthy(ledger);
      const first = createLedgerStorage({ endpoint: engine, tablePrefix: env.TABLE_PREFIX });
      const written = await first.eventStore.append('acme#payment#kept', 0, [
        { type: 'PaymentRequested', data: { amount: 1 } },
      ]);
      first.dynamoDb.destroy();
      await ledger.stop('SIGINT');

      ledger = spawnLedger(env);
      await waitForHealthy(ledger);
      const second = createLedgerStorage({ endpoint: engine, tablePrefix: env.TABLE_PREFIX });
      const { events } = await second.eventStore.readStream('acme#payment#kept');
      second.dynamoDb.destroy();

      expect(events.map((e) => e.eventId)).toEqual(written.eventIds);
    });
  });

  describe('when a port is already taken', () => {
    it.each([
      ['PORT', 'the API port'],
      ['DYNAMODB_LOCAL_PORT', 'the engine port'],
    ])('names %s in one clear message and exits 1 (%s)', async (variable) => {
      const env = await isolatedEnv();
      const blocker = await occupy(Number(env[variable]));
      try {
        ledger = spawnLedger(env);

        const code = await ledger.exited;

        expect(code).toBe(1);
        expect(ledger.output()).toContain(`Port ${env[variable]} is already in use`);
        expect(ledger.output()).toContain(variable);
      } finally {
        blocker.close();
      }
    });
  });

  describe('when Java is missing', () => {
    it('says so in one line naming the install command', async () => {
      const env = await isolatedEnv({ PATH: '/nonexistent' });
      ledger = spawnLedger(env);

      const code = await ledger.exited;

      expect(code).toBe(1);
      expect(ledger.output()).toContain('apt-get install -y openjdk-17-jre-headless');
    });
  });
});
