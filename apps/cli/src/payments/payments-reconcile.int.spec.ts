import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paymentDecider, paymentStreamId, type PaymentCommand } from '@ledger/ledger';
import { evolvePaymentDocument, type PaymentDocument } from '@ledger/projections';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { stringify } from 'yaml';
import { runCli } from '../main';
import { captureCliErrors } from '../testing/capture-cli-errors';

const GATEWAY_KEY = 'cli-reconcile-gateway-key-not-real';

interface ReportLine {
  paymentId: string;
  outcome: string;
  status?: string;
}

/** The report's JSON lines. */
function readLines(path: string): ReportLine[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ReportLine);
}

describe('ledger payments reconcile', () => {
  const stderr = captureCliErrors();
  let ledger: TestLedger;
  let sandbox: RunningSandboxGateway;
  let dir: string;
  let stdout: string[];
  const saved = { prefix: process.env.TABLE_PREFIX, config: process.env.LEDGER_CONFIG };
  const payments = ['pay_cli_rec_1', 'pay_cli_rec_2', 'pay_cli_rec_3'];

  /** An outcome_unknown payment, written in one append, and its read-model document. */
  async function leaveUnknown(paymentId: string): Promise<void> {
    const metadata = { now: new Date(Date.now() - 60_000).toISOString(), tenantId: 'acme' };
    const commands = [
      { type: 'RequestPayment', data: { paymentId, amount: 2500, currency: 'EUR' }, metadata },
      {
        type: 'ConcludeCharge',
        data: { outcome: 'unknown', reason: 'timeout', source: 'gateway_response' },
        metadata,
      },
    ] as PaymentCommand[];
    let state = paymentDecider.initialState();
    const events = commands.flatMap((command) => {
      const decided = paymentDecider.decide(command, state);
      for (const event of decided) state = paymentDecider.evolve(state, event);
      return decided;
    });
    const streamId = paymentStreamId('acme', paymentId);
    await ledger.store.append(streamId, 0, events);
    let document: PaymentDocument | null = null;
    for (const event of (await ledger.store.readStream(streamId)).events) {
      document = evolvePaymentDocument(document, event);
    }
    await projectionAdapters(ledger.storage)
      .documentsOf(FIRST_GENERATION)
      .put(document as PaymentDocument, 0);
  }

  beforeAll(async () => {
    ledger = await createTestLedger('cli-reconcile');
    sandbox = await startSandboxGateway({ port: 0, apiKey: GATEWAY_KEY });
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-reconcile-'));
    const config = join(dir, 'ledger.config.yaml');
    writeFileSync(
      config,
      stringify({
        tenants: [
          {
            id: 'acme',
            apiKeys: ['cli-reconcile-key-not-real'],
            gateway: { kind: 'sandbox', baseUrl: sandbox.url, apiKey: GATEWAY_KEY },
          },
        ],
      }),
    );
    process.env.TABLE_PREFIX = ledger.prefix;
    process.env.LEDGER_CONFIG = config;
    for (const paymentId of payments) await leaveUnknown(paymentId);
    // The gateway took the first two charges; their answers were lost.
    for (const paymentId of payments.slice(0, 2)) {
      const response = await fetch(`${sandbox.url}/v1/charges`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${GATEWAY_KEY}`,
          'idempotency-key': `acme:${paymentId}:charge`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ paymentId, amount: 2500, currency: 'EUR' }),
      });
      expect(response.status).toBe(201);
    }
  });

  beforeEach(() => {
    stdout = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      stdout.push(args.map(String).join(' '));
    });
  });

  afterAll(async () => {
    for (const [name, value] of [
      ['TABLE_PREFIX', saved.prefix],
      ['LEDGER_CONFIG', saved.config],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sandbox.stop();
    await ledger.close();
  });

  const ledgerCli = (...args: string[]) =>
    runCli(['node', 'ledger', 'payments', 'reconcile', ...args]);

  describe('with --dry-run', () => {
    it('lists what it would ask and asks the gateway nothing', async () => {
      const report = join(dir, 'dry-run.jsonl');
      const requestsBefore = sandbox.stats().requests;

      await ledgerCli('--dry-run', '--report', report);

      expect(process.exitCode ?? 0).toBe(0);
      const lines = readLines(report);
      expect(lines.map((line) => line.paymentId).sort()).toEqual(payments);
      expect(lines.every((line) => line.outcome === 'selected')).toBe(true);
      expect(sandbox.stats().requests).toBe(requestsBefore);
      expect(JSON.parse(stdout.at(-1) ?? '{}')).toMatchObject({
        kind: 'reconcile',
        status: 'completed',
        dryRun: true,
        result: { summary: { selected: 3 } },
      });
    });
  });

  describe('when run', () => {
    it('settles what the gateway charged, charges again what it never took, and reports each', async () => {
      const report = join(dir, 'run.jsonl');

      await ledgerCli('--tenant', 'acme', '--older-than', '30s', '--report', report);

      expect(process.exitCode ?? 0).toBe(0);
      const lines = readLines(report);
      expect(lines).toHaveLength(3);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            paymentId: payments[0],
            outcome: 'settled',
            status: 'succeeded',
          }),
        ]),
      );
      expect(JSON.parse(stdout.at(-1) ?? '{}')).toMatchObject({
        status: 'completed',
        processed: 3,
        total: 3,
        result: { summary: { selected: 3, settled: { succeeded: 3 }, unknown: 0, errors: 0 } },
      });
      expect(sandbox.stats().chargesCreated).toBe(3);
    });
  });

  describe('with a tenant it does not know', () => {
    it('fails listing the known tenants', async () => {
      await ledgerCli('--tenant', 'initech');

      expect(process.exitCode).toBe(1);
      expect(stderr.printed.join('\n')).toContain('known tenants: acme');
    });
  });
});
