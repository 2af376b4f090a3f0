import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadLedgerConfig, parseLedgerConfig } from './ledger-config';
import { readLedgerEnv } from './ledger-env';

const valid = {
  tenants: [{ id: 'acme', apiKeys: ['local-dev-key-acme'] }],
  providers: [
    { name: 'sandbox', tenant: 'acme', scheme: 'hmac-sha256', secrets: ['not-a-real-secret'] },
  ],
  gateway: { baseUrl: null, apiKey: 'sandbox-key' },
};

describe('ledger configuration', () => {
  describe('when the committed example is loaded', () => {
    it('is valid', () => {
      const config = loadLedgerConfig(join(__dirname, '..', '..', '..', 'ledger.config.yaml'));

      expect(config.tenants.map((t) => t.id)).toEqual(['acme', 'globex']);
      expect(config.providers.find((p) => p.name === 'sandbox')?.toleranceSeconds).toBe(300);
      expect(config.gateway.baseUrl).toBeNull();
    });
  });

  describe('when the payment sweeper is configured', () => {
    it('defaults to a run a minute for payments unchanged for 5 minutes', () => {
      expect(parseLedgerConfig(valid).payments.sweeper).toMatchObject({
        enabled: true,
        intervalSeconds: 60,
        olderThanSeconds: 300,
        maxPerRun: 200,
      });
    });

    it("takes the committed example's settings", () => {
      const config = loadLedgerConfig(join(__dirname, '..', '..', '..', 'ledger.config.yaml'));

      expect(config.payments.sweeper.olderThanSeconds).toBeGreaterThanOrEqual(30);
    });

    it('refuses an age below the 30 s request lock', () => {
      const raw = { ...valid, payments: { sweeper: { olderThanSeconds: 10 } } };

      expect(() => parseLedgerConfig(raw)).toThrow(/payments\.sweeper\.olderThanSeconds/);
    });
  });

  describe('when a provider names an unknown tenant and an unknown scheme', () => {
    it('lists every problem in one error', () => {
      const raw = {
        ...valid,
        providers: [{ name: 'x', tenant: 'nobody', scheme: 'md5', secrets: ['not-a-real-secret'] }],
      };

      const attempt = (): unknown => parseLedgerConfig(raw);

      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/unknown tenant "nobody"/);
      expect(attempt).toThrow(/scheme/);
    });
  });

  describe('when a secret is an env reference', () => {
    it('reads it from the environment, and fails clearly when it is unset', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-config-'));
      const path = join(dir, 'ledger.config.yaml');
      writeFileSync(
        path,
        'tenants: [{ id: acme, apiKeys: ["env:ACME_KEY"] }]\nproviders: []\ngateway: { apiKey: k }\n',
      );

      expect(
        loadLedgerConfig(path, { ACME_KEY: 'key-from-the-environment' }).tenants[0].apiKeys,
      ).toEqual(['key-from-the-environment']);
      expect(() => loadLedgerConfig(path, {})).toThrow(/ACME_KEY/);
    });
  });
});

describe('ledger environment', () => {
  describe('when nothing is set', () => {
    it('uses the documented defaults', () => {
      const env = readLedgerEnv({}, '/repo');

      expect(env).toMatchObject({
        port: 3000,
        configPath: '/repo/ledger.config.yaml',
        dataDir: '/repo/.data',
        tablePrefix: 'ledger-',
        dynamoDbLocalPort: 8000,
        localBusPort: 4010,
        sandboxGatewayPort: 4020,
      });
      expect(env.dynamoDbEndpoint).toBeUndefined();
    });
  });

  describe('when a port is not a number', () => {
    it('fails naming the variable', () => {
      expect(() => readLedgerEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    });
  });
});
