import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.errors';
import {
  gatewayBaseUrl,
  loadLedgerConfig,
  parseLedgerConfig,
  STRIPE_API_BASE_URL,
} from './ledger-config';
import { readLedgerEnv } from './ledger-env';

const valid = {
  tenants: [{ id: 'acme', apiKeys: ['local-dev-key-acme'] }],
  providers: [
    { name: 'sandbox', tenant: 'acme', scheme: 'hmac-sha256', secrets: ['not-a-real-secret'] },
  ],
  gateway: { baseUrl: null, apiKey: 'sandbox-key' },
};

const twoTenants = {
  tenants: [
    {
      id: 'acme',
      apiKeys: ['local-dev-key-acme'],
      gateway: { kind: 'sandbox', baseUrl: null, apiKey: 'gateway-key-acme' },
    },
    {
      id: 'globex',
      apiKeys: ['local-dev-key-globex'],
      gateway: { kind: 'sandbox', baseUrl: null, apiKey: 'gateway-key-globex' },
    },
  ],
  operators: [{ id: 'ops', apiKeys: ['local-dev-key-operator'] }],
  providers: [
    { name: 'sandbox', tenant: 'acme', scheme: 'hmac-sha256', secrets: ['not-a-real-secret'] },
  ],
};

describe('ledger configuration', () => {
  describe('when the committed example is loaded', () => {
    it('is valid', () => {
      const config = loadLedgerConfig(join(__dirname, '..', '..', '..', 'ledger.config.yaml'));

      expect(config.tenants.map((t) => t.id)).toEqual(['acme', 'globex']);
      expect(config.providers.find((p) => p.name === 'sandbox')?.toleranceSeconds).toBe(300);
      expect(config.tenants.map((t) => t.gateway?.webhookProvider)).toEqual([
        'sandbox',
        'sandbox-globex',
      ]);
      expect(config.operators.map((o) => o.id)).toEqual(['ops']);
    });
  });

  describe('when each tenant has its own gateway account', () => {
    it('keeps each account with its tenant', () => {
      const config = parseLedgerConfig(twoTenants);

      expect(config.tenants.map((t) => [t.id, t.gateway?.apiKey, t.gateway?.kind])).toEqual([
        ['acme', 'gateway-key-acme', 'sandbox'],
        ['globex', 'gateway-key-globex', 'sandbox'],
      ]);
      expect(config.gateway).toBeUndefined();
    });
  });

  describe("when a tenant's gateway is a Stripe account", () => {
    const stripeTenant = (gateway: object) => ({
      ...valid,
      gateway: undefined,
      tenants: [{ ...valid.tenants[0], gateway }],
    });

    it("is accepted, and without a baseUrl calls Stripe's own API", () => {
      const config = parseLedgerConfig(stripeTenant({ kind: 'stripe', apiKey: 'sk_test_abc' }));

      const gateway = config.tenants[0].gateway!;
      expect(gateway.kind).toBe('stripe');
      expect(gatewayBaseUrl(gateway)).toBe(STRIPE_API_BASE_URL);
    });

    it('keeps a sandbox account without a baseUrl on the local sandbox', () => {
      const config = parseLedgerConfig(valid);

      expect(gatewayBaseUrl(config.tenants[0].gateway!)).toBeNull();
    });

    it('refuses a paymentMethod on a sandbox account', () => {
      const parse = () =>
        parseLedgerConfig(
          stripeTenant({ kind: 'sandbox', apiKey: 'sandbox-key', paymentMethod: 'pm_card_visa' }),
        );

      expect(parse).toThrow(/gateway.paymentMethod is for kind: stripe only/);
    });
  });

  describe('when an old configuration has one top-level gateway', () => {
    it('gives it to the only tenant', () => {
      const config = parseLedgerConfig(valid);

      expect(config.tenants[0].gateway).toMatchObject({ baseUrl: null, apiKey: 'sandbox-key' });
      expect(config.gateway).toBeUndefined();
    });

    it('refuses it with several tenants, saying what to change', () => {
      const raw = {
        ...twoTenants,
        tenants: twoTenants.tenants.map(({ id, apiKeys }) => ({ id, apiKeys })),
        gateway: { baseUrl: null, apiKey: 'sandbox-key' },
      };

      expect(() => parseLedgerConfig(raw)).toThrow(
        /move it under each tenant as tenants\[\]\.gateway/,
      );
    });
  });

  describe('when tenants could reach each other through the configuration', () => {
    it.each([
      [
        'a tenant without a gateway account',
        { tenants: [twoTenants.tenants[0], { id: 'globex', apiKeys: ['local-dev-key-globex'] }] },
        /tenant "globex" has no gateway account/,
      ],
      [
        'two tenants sharing one gateway account',
        {
          tenants: [
            twoTenants.tenants[0],
            { ...twoTenants.tenants[1], gateway: twoTenants.tenants[0].gateway },
          ],
        },
        /"acme" and "globex" share one gateway account/,
      ],
      [
        "an operator holding a tenant's key",
        { operators: [{ id: 'ops', apiKeys: ['local-dev-key-acme'] }] },
        /API key is given more than once/,
      ],
      [
        "a tenant's key given again as another tenant's admin key",
        {
          tenants: [
            twoTenants.tenants[0],
            { ...twoTenants.tenants[1], adminKeys: ['local-dev-key-acme'] },
          ],
        },
        /API key is given more than once/,
      ],
      [
        'an admin key shorter than 16 characters',
        { tenants: [{ ...twoTenants.tenants[0], adminKeys: ['short'] }, twoTenants.tenants[1]] },
        /each admin key is at least 16 characters long/,
      ],
      [
        "a gateway sending its webhooks to another tenant's provider",
        {
          tenants: [
            twoTenants.tenants[0],
            {
              ...twoTenants.tenants[1],
              gateway: { ...twoTenants.tenants[1].gateway, webhookProvider: 'sandbox' },
            },
          ],
        },
        /tenant "globex": gateway.webhookProvider "sandbox" is not a provider of this tenant/,
      ],
    ])('refuses %s', (_case, change, problem) => {
      expect(() => parseLedgerConfig({ ...twoTenants, ...change })).toThrow(problem);
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

  describe('when providers name how their payloads are read', () => {
    const provider = {
      name: 'p',
      tenant: 'acme',
      scheme: 'stripe',
      secrets: ['not-a-real-secret'],
    };
    const withProvider = (settings: Record<string, unknown>): unknown => ({
      ...valid,
      providers: [{ ...provider, ...settings }],
    });

    it('reads a provider that names none with the sandbox interpreter', () => {
      const config = parseLedgerConfig(withProvider({}));

      expect(config.providers[0].interpreter).toBe('sandbox');
    });

    it('takes stripe, and generic with a mapping', () => {
      const mapping = {
        events: { 'order.paid': 'payment_succeeded' },
        paths: { type: '$.type', paymentId: "$.data['ledger.id']", amount: '$.items[0].amount' },
      };

      const stripe = parseLedgerConfig(withProvider({ interpreter: 'stripe' }));
      const generic = parseLedgerConfig(withProvider({ interpreter: 'generic', mapping }));

      expect(stripe.providers[0].interpreter).toBe('stripe');
      expect(generic.providers[0].mapping).toEqual(mapping);
    });

    it('refuses an unknown interpreter, listing the known ones', () => {
      const attempt = (): unknown => parseLedgerConfig(withProvider({ interpreter: 'adyen' }));

      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/interpreter must be one of: sandbox, stripe, generic/);
    });

    it('refuses generic without a mapping, and a mapping for another interpreter', () => {
      const mapping = { events: {}, paths: { type: '$.type' } };

      expect(() => parseLedgerConfig(withProvider({ interpreter: 'generic' }))).toThrow(
        /generic interpreter needs a mapping/,
      );
      expect(() => parseLedgerConfig(withProvider({ interpreter: 'stripe', mapping }))).toThrow(
        /read only by the generic interpreter/,
      );
    });

    it('lists every problem of a mapping in one error', () => {
      const mapping = {
        events: { 'order.paid': 'paid' },
        paths: { amount: '$..amount', colour: '$.colour' },
      };

      const attempt = (): unknown =>
        parseLedgerConfig(withProvider({ interpreter: 'generic', mapping }));

      expect(attempt).toThrow(/mapping.events\["order.paid"\] must be one of/);
      expect(attempt).toThrow(/mapping.paths.amount must be a path/);
      expect(attempt).toThrow(/mapping.paths.colour is not a member/);
      expect(attempt).toThrow(/mapping.paths.type says where the event type is/);
    });
  });

  describe('when a section has the wrong shape', () => {
    it.each([
      ['tenants: 5', { ...valid, tenants: 5 }, /tenants: tenants must be an array/],
      ['providers: "x"', { ...valid, providers: 'x' }, /providers: providers must be an array/],
      ['a tenant that is null', { ...valid, tenants: [null] }, /tenants/],
      ['operators: 7', { ...valid, operators: 7 }, /operators/],
    ])('refuses %s with a ConfigError, not a crash', (_name, raw, message) => {
      const attempt = (): unknown => parseLedgerConfig(raw, 'ledger.config.yaml');

      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(message);
    });

    it('refuses a document that is not a mapping, naming the source', () => {
      const attempt = (): unknown => parseLedgerConfig(['tenants'], 'ledger.config.yaml');

      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^ledger\.config\.yaml is invalid: it must be a mapping/);
    });
  });

  describe('when the file is empty or declares no tenant', () => {
    it('refuses it with a message naming the file', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-config-'));
      const empty = join(dir, 'empty.yaml');
      const noTenants = join(dir, 'no-tenants.yaml');
      writeFileSync(empty, '');
      writeFileSync(noTenants, 'tenants: []\nproviders: []\n');

      for (const path of [empty, noTenants]) {
        const attempt = (): unknown => loadLedgerConfig(path, {});

        expect(attempt).toThrow(ConfigError);
        expect(attempt).toThrow(`${path} is invalid`);
        expect(attempt).toThrow(/tenants: declare at least one tenant/);
      }
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

  describe('when a cursor key is configured', () => {
    it('takes one of at least 16 characters, from an env reference too', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-config-'));
      const path = join(dir, 'ledger.config.yaml');
      writeFileSync(
        path,
        'tenants: [{ id: acme, apiKeys: [local-dev-key-acme], gateway: { apiKey: g } }]\n' +
          'providers: []\napi: { cursorKey: "env:CURSOR_KEY" }\n',
      );

      expect(loadLedgerConfig(path, { CURSOR_KEY: 'k'.repeat(32) }).api.cursorKey).toBe(
        'k'.repeat(32),
      );
      expect(() => parseLedgerConfig({ ...valid, api: { cursorKey: 'short' } })).toThrow(
        /cursorKey is at least 16 characters/,
      );
      expect(parseLedgerConfig(valid).api.cursorKey).toBeUndefined();
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
        timeIndexShards: 8,
        paymentListShards: 4,
      });
      expect(env.dynamoDbEndpoint).toBeUndefined();
    });
  });

  describe('when a port is not a number', () => {
    it('fails naming the variable', () => {
      expect(() => readLedgerEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    });
  });

  describe('when shard counts are set', () => {
    it('reads them', () => {
      const env = readLedgerEnv({ TIME_INDEX_SHARDS: '16', PAYMENT_LIST_SHARDS: '8' });

      expect(env).toMatchObject({ timeIndexShards: 16, paymentListShards: 8 });
    });

    it('refuses a time-index count that replay lanes cannot divide, naming the variable', () => {
      expect(() => readLedgerEnv({ TIME_INDEX_SHARDS: '12' })).toThrow(/TIME_INDEX_SHARDS/);
      expect(() => readLedgerEnv({ PAYMENT_LIST_SHARDS: '0' })).toThrow(/PAYMENT_LIST_SHARDS/);
      expect(() => readLedgerEnv({ PAYMENT_LIST_SHARDS: '2.5' })).toThrow(/PAYMENT_LIST_SHARDS/);
    });
  });
});
