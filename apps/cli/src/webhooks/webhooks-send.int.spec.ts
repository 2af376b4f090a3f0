import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildApiDependencies, createApiApp } from '@ledger/api-app';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { parseLedgerConfig } from '@ledger/config';
import { createLogger } from '@ledger/observability';
import { HttpPaymentGateway, TenantGateways } from '@ledger/outbound';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { captureCliErrors } from '../testing/capture-cli-errors';
import { runCli } from '../main';

// Two tenants and one provider per scheme; every key and secret is a placeholder.
const TENANTS = ['acme', 'globex'].map((id) => ({
  id,
  apiKeys: [`test-key-${id}-000000`],
  gateway: { kind: 'sandbox', baseUrl: null, apiKey: `test-gateway-key-${id}` },
}));
const PROVIDERS = [
  {
    name: 'std',
    tenant: 'acme',
    scheme: 'standard-webhooks',
    secrets: ['whsec_dGVzdC1zZWNyZXQtbm90LXJlYWw='],
  },
  { name: 'stripe-like', tenant: 'acme', scheme: 'stripe', secrets: ['whsec_test_not_real'] },
  { name: 'gh', tenant: 'globex', scheme: 'github', secrets: ['test-secret-not-real'] },
  { name: 'simple', tenant: 'globex', scheme: 'hmac-sha256', secrets: ['test-secret-not-real'] },
];

describe('ledger webhooks send, to a running service', () => {
  const stderr = captureCliErrors();
  let ledger: TestLedger;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let configDir: string;
  let printed: string[];
  const configBefore = process.env.LEDGER_CONFIG;

  beforeAll(async () => {
    const config = { tenants: TENANTS, providers: PROVIDERS };
    ledger = await createTestLedger('webhooks-send');
    // The API as the service composes it, on this ledger's tables, listening on a free port.
    const parsed = parseLedgerConfig(config);
    const nowhere = new HttpPaymentGateway({ baseUrl: 'http://127.0.0.1:1', apiKey: 'unused' });
    app = await createApiApp(
      buildApiDependencies({
        config: parsed,
        storage: ledger.storage,
        logger: createLogger('silent'),
        gateways: new TenantGateways(new Map(parsed.tenants.map((t) => [t.id, nowhere]))),
        eventBridge: createEventBridgeClient('http://127.0.0.1:1'),
      }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    configDir = mkdtempSync(join(tmpdir(), 'ledger-send-'));
    // JSON is YAML: the CLI reads the same configuration the service was given.
    writeFileSync(join(configDir, 'ledger.config.yaml'), JSON.stringify(config));
    process.env.LEDGER_CONFIG = join(configDir, 'ledger.config.yaml');
  });

  afterAll(async () => {
    if (configBefore === undefined) delete process.env.LEDGER_CONFIG;
    else process.env.LEDGER_CONFIG = configBefore;
    rmSync(configDir, { recursive: true, force: true });
    await app.close();
    await ledger.close();
  });

  beforeEach(() => {
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
  });

  describe.each(PROVIDERS)('when one delivery to $name ($scheme) is sent three times', (p) => {
    it('stores it once and answers the repeats as duplicates', async () => {
      const deliveryId = `evt_send_${p.name.replace('-', '_')}`;

      await runCli([
        'node',
        'ledger',
        'webhooks',
        'send',
        '--provider',
        p.name,
        '--event',
        'payment.succeeded',
        '--payment',
        'pay_send_1',
        '--id',
        deliveryId,
        '--repeat',
        '3',
        '--url',
        baseUrl,
      ]);

      expect(stderr.printed).toEqual([
        expect.stringContaining(`POST ${baseUrl}/webhooks/${p.name}`),
      ]);
      expect(process.exitCode).toBeUndefined();
      expect(printed).toHaveLength(3);
      expect(printed[0]).toMatch(/^1\/3 200 .*"duplicate":false/);
      expect(printed[1]).toMatch(/^2\/3 200 .*"duplicate":true/);
      expect(printed[2]).toMatch(/^3\/3 200 .*"duplicate":true/);
      const { events } = await ledger.store.readStream(
        `${p.tenant}#delivery#${p.name}#${deliveryId}`,
      );
      expect(events).toHaveLength(1);
      expect(events[0].type).toBe('WebhookReceived');
    });
  });

  describe('when the provider is unknown', () => {
    it('fails listing the configured providers, sending nothing', async () => {
      await runCli([
        'node',
        'ledger',
        'webhooks',
        'send',
        '--provider',
        'nope',
        '--file',
        'x.json',
      ]);

      expect(stderr.printed).toEqual([
        expect.stringMatching(
          /^ledger: No provider is named "nope"; known providers: std .*simple/,
        ),
      ]);
      expect(printed).toEqual([]);
      expect(process.exitCode).toBe(1);
    });
  });

  describe('when the service refuses the delivery', () => {
    it('prints the answer and exits 1', async () => {
      const file = join(configDir, 'not-an-object.json');
      writeFileSync(file, '[1, 2, 3]');

      await runCli([
        'node',
        'ledger',
        'webhooks',
        'send',
        '--provider',
        'simple',
        '--file',
        file,
        '--url',
        baseUrl,
      ]);

      expect(printed).toEqual([expect.stringMatching(/^1\/1 400 .*malformed_payload/)]);
      expect(process.exitCode).toBe(1);
    });
  });
});
