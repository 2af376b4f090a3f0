import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { InMemoryParameterSource } from './in-memory';
import { ConfigError, DevelopmentConfigInLambdaError } from './config.errors';
import {
  configCredentials,
  DEVELOPMENT_CREDENTIALS,
  loadLambdaLedgerConfig,
  loadLedgerConfigFromParameter,
  resolveParameterReferences,
} from './lambda-config';
import { loadLedgerConfig } from './ledger-config';
import { readLedgerEnv } from './ledger-env';

const COMMITTED_PATH = join(__dirname, '..', '..', '..', 'ledger.config.yaml');
const COMMITTED = readFileSync(COMMITTED_PATH, 'utf8');
const PARAMETER = '/ledger/prod/config';

const production = {
  environment: 'production',
  tenants: [
    {
      id: 'acme',
      apiKeys: ['secretsmanager:ledger/acme-api-key'],
      gateway: {
        kind: 'sandbox',
        baseUrl: 'https://gateway.example.com',
        apiKey: 'ssm:/ledger/prod/acme-gateway-key',
      },
    },
  ],
  operators: [{ id: 'ops', apiKeys: ['env:OPERATOR_KEY'] }],
  providers: [
    {
      name: 'acme-webhooks',
      tenant: 'acme',
      scheme: 'standard-webhooks',
      secrets: ['secretsmanager:ledger/acme-webhook-secret'],
    },
  ],
  api: { cursorKey: 'secretsmanager:ledger/cursor-key' },
};

function productionSource(document: unknown = production): InMemoryParameterSource {
  return new InMemoryParameterSource(
    { [PARAMETER]: stringify(document), '/ledger/prod/acme-gateway-key': 'gateway-key-from-ssm' },
    {
      'ledger/acme-api-key': 'acme-api-key-from-secrets-manager',
      'ledger/acme-webhook-secret': 'whsec_cHJvZHVjdGlvbi13ZWJob29rLXNlY3JldA==',
      'ledger/cursor-key': 'cursor-key-from-secrets-manager',
    },
  );
}

const processEnv = { OPERATOR_KEY: 'operator-key-from-the-environment' };

describe('a deployed configuration', () => {
  describe('when the SSM parameter holds a production configuration', () => {
    it('resolves its ssm:, secretsmanager: and env: references', async () => {
      const config = await loadLedgerConfigFromParameter(PARAMETER, productionSource(), processEnv);

      expect(config.tenants[0].apiKeys).toEqual(['acme-api-key-from-secrets-manager']);
      expect(config.tenants[0].gateway?.apiKey).toBe('gateway-key-from-ssm');
      expect(config.providers[0].secrets).toEqual(['whsec_cHJvZHVjdGlvbi13ZWJob29rLXNlY3JldA==']);
      expect(config.api.cursorKey).toBe('cursor-key-from-secrets-manager');
      expect(config.operators[0].apiKeys).toEqual(['operator-key-from-the-environment']);
    });
  });

  describe('when one reference appears twice', () => {
    it('reads it once', async () => {
      const source = productionSource();

      const resolved = await resolveParameterReferences(
        { a: 'secretsmanager:ledger/cursor-key', b: ['secretsmanager:ledger/cursor-key', 7] },
        source,
      );

      expect(resolved).toEqual({
        a: 'cursor-key-from-secrets-manager',
        b: ['cursor-key-from-secrets-manager', 7],
      });
      expect(source.reads.get('secretsmanager:ledger/cursor-key')).toBe(1);
    });
  });

  describe('when a referenced secret does not exist', () => {
    it('fails with a ConfigError naming it', async () => {
      const document = { ...production, api: { cursorKey: 'secretsmanager:ledger/missing' } };

      const load = loadLedgerConfigFromParameter(PARAMETER, productionSource(document), processEnv);

      await expect(load).rejects.toThrow(ConfigError);
      await expect(load).rejects.toThrow('Secrets Manager secret ledger/missing');
    });
  });

  describe('when the parameter itself does not exist', () => {
    it('fails with a ConfigError naming it', async () => {
      const load = loadLedgerConfigFromParameter('/ledger/none', productionSource(), processEnv);

      await expect(load).rejects.toThrow('SSM parameter /ledger/none');
    });
  });

  describe('when the parameter holds the committed development configuration', () => {
    it('is refused with its own code', async () => {
      const source = new InMemoryParameterSource({ [PARAMETER]: COMMITTED });

      const load = loadLedgerConfigFromParameter(PARAMETER, source, {});

      await expect(load).rejects.toThrow(DevelopmentConfigInLambdaError);
      await expect(load).rejects.toMatchObject({
        code: 'development_config_in_lambda',
        status: 500,
        name: 'DevelopmentConfigInLambdaError',
      });
    });

    it('is refused for its committed keys even without its marker', async () => {
      const source = new InMemoryParameterSource({
        [PARAMETER]: COMMITTED.replace(/^environment: development$/m, ''),
      });

      const load = loadLedgerConfigFromParameter(PARAMETER, source, {});

      await expect(load).rejects.toThrow(/key\(s\) or secret\(s\) committed in ledger.config.yaml/);
      await expect(load).rejects.not.toThrow(/marked "environment: development"/);
    });
  });

  describe('when a tenant of a production configuration has no gateway URL', () => {
    it('is refused: the local sandbox does not exist in AWS', async () => {
      const document = {
        ...production,
        tenants: [
          {
            ...production.tenants[0],
            gateway: { ...production.tenants[0].gateway, baseUrl: null },
          },
        ],
      };

      const load = loadLedgerConfigFromParameter(PARAMETER, productionSource(document), processEnv);

      await expect(load).rejects.toThrow(DevelopmentConfigInLambdaError);
      await expect(load).rejects.toThrow(/tenant "acme": gateway.baseUrl is null/);
    });
  });

  describe('when a Stripe account of a production configuration has no gateway URL', () => {
    it("is accepted: a stripe account's default is Stripe's own API", async () => {
      const document = {
        ...production,
        tenants: [
          {
            ...production.tenants[0],
            gateway: { ...production.tenants[0].gateway, kind: 'stripe', baseUrl: null },
          },
        ],
      };

      const config = await loadLedgerConfigFromParameter(
        PARAMETER,
        productionSource(document),
        processEnv,
      );

      expect(config.tenants[0].gateway).toMatchObject({ kind: 'stripe', baseUrl: null });
    });
  });

  describe('when the committed development configuration is read', () => {
    it('holds only keys and secrets listed as development credentials', () => {
      const credentials = configCredentials(loadLedgerConfig(COMMITTED_PATH, {}));

      expect(new Set(credentials)).toEqual(DEVELOPMENT_CREDENTIALS);
    });
  });
});

describe('the configuration of a Lambda composition root', () => {
  describe('when LEDGER_CONFIG_PARAMETER names a parameter', () => {
    it('reads that parameter, not the file', async () => {
      const env = readLedgerEnv({
        LEDGER_CONFIG_PARAMETER: PARAMETER,
        AWS_LAMBDA_FUNCTION_NAME: 'ledger-ApiFunction',
      });

      const config = await loadLambdaLedgerConfig(env, productionSource(), processEnv);

      expect(env).toMatchObject({
        configParameter: PARAMETER,
        lambdaFunctionName: 'ledger-ApiFunction',
      });
      expect(config.environment).toBe('production');
    });
  });

  describe('when it runs in Lambda without a parameter', () => {
    it('refuses the file in the package', async () => {
      const env = readLedgerEnv({ AWS_LAMBDA_FUNCTION_NAME: 'ledger-ApiFunction' });

      const load = loadLambdaLedgerConfig(env, productionSource(), processEnv);

      await expect(load).rejects.toThrow(ConfigError);
      await expect(load).rejects.toThrow(/LEDGER_CONFIG_PARAMETER is unset/);
    });
  });

  describe('when it runs outside Lambda without a parameter', () => {
    it('reads the file LEDGER_CONFIG names', async () => {
      const source = productionSource();
      const env = readLedgerEnv({ LEDGER_CONFIG: COMMITTED_PATH });

      const config = await loadLambdaLedgerConfig(env, source, {});

      expect(config.environment).toBe('development');
      expect(source.reads.size).toBe(0);
    });
  });
});
