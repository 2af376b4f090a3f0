import { stringify } from 'yaml';
import { ConfigError, DevelopmentConfigInLambdaError, readLedgerEnv } from '@ledger/config';
import { InMemoryParameterSource } from '@ledger/config/in-memory';
import { closeLedgerStorage, createLedgerStorage } from '@ledger/event-store/aws';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { createLogger } from '@ledger/observability';
import { TenantGateways } from '@ledger/outbound';
import { CONSUMER_ROOTS } from '../consumers';
import { composeConsumerLambda } from './consumer-lambda.root';

// Composing opens clients but sends nothing: an endpoint nobody listens on is enough here.
const NOWHERE = 'http://127.0.0.1:9';
const PARAMETER = '/ledger/prod/config';

describe('the stream-consumer composition roots', () => {
  describe('when each root in CONSUMER_ROOTS composes its consumer', () => {
    it('builds the consumer its name says, so CONSUMER_NAME selects the right one', async () => {
      const storage = createLedgerStorage({ endpoint: NOWHERE, tablePrefix: 'unit-' });
      const eventBridge = createEventBridgeClient(NOWHERE);
      const gateways = new TenantGateways(new Map());
      const context = { storage, eventBridge, logger: createLogger('silent'), gateways };

      const names = Object.entries(CONSUMER_ROOTS).map(([name, compose]) => [
        name,
        compose(context).name,
      ]);

      eventBridge.destroy();
      closeLedgerStorage(storage);
      expect(names).toEqual([
        ['projector', 'projector'],
        ['publisher', 'publisher'],
        ['correlator', 'correlator'],
        ['charger', 'charger'],
      ]);
    });
  });

  describe('when CONSUMER_NAME names no consumer', () => {
    it('refuses with a ConfigError naming it', async () => {
      const env = readLedgerEnv({ DYNAMODB_ENDPOINT: NOWHERE, EVENTBRIDGE_ENDPOINT: NOWHERE });

      const compose = composeConsumerLambda('projektor', env);

      await expect(compose).rejects.toThrow(ConfigError);
      await expect(compose).rejects.toThrow('CONSUMER_NAME names no known consumer: projektor');
    });
  });

  describe('when CONSUMER_NAME names a consumer', () => {
    it('returns that consumer with a parking lot', async () => {
      const env = readLedgerEnv({ DYNAMODB_ENDPOINT: NOWHERE, EVENTBRIDGE_ENDPOINT: NOWHERE });

      const root = await composeConsumerLambda('correlator', env);
      await root.close();

      expect(root.consumer.name).toBe('correlator');
      expect(root.parkingLot).toBeDefined();
    });
  });

  describe('when the correlator function is composed (LEDGER_CONFIG_PARAMETER set)', () => {
    // A deployed document: every key and secret a reference the correlator must not follow (the
    // env: one names a variable that is unset, so resolving it would fail).
    const document = stringify({
      environment: 'production',
      tenants: [
        {
          id: 'acme',
          apiKeys: ['secretsmanager:ledger/acme-api-key'],
          gateway: { baseUrl: 'https://gateway.example.com', apiKey: 'ssm:/ledger/gateway-key' },
        },
      ],
      providers: [
        {
          name: 'stripe-acme',
          tenant: 'acme',
          scheme: 'stripe',
          interpreter: 'stripe',
          secrets: ['secretsmanager:ledger/stripe-webhooks', 'env:UNSET_WEBHOOK_SECRET'],
        },
      ],
      api: { cursorKey: 'secretsmanager:ledger/cursor-key' },
    });
    const env = readLedgerEnv({
      DYNAMODB_ENDPOINT: NOWHERE,
      EVENTBRIDGE_ENDPOINT: NOWHERE,
      LEDGER_CONFIG_PARAMETER: PARAMETER,
      AWS_LAMBDA_FUNCTION_NAME: 'ledger-CorrelatorFunction',
    });

    it('reads that one parameter and none of the secrets it refers to', async () => {
      const parameters = new InMemoryParameterSource({ [PARAMETER]: document });

      const root = await composeConsumerLambda('correlator', env, undefined, parameters);
      await root.close();

      expect(root.consumer.name).toBe('correlator');
      expect(Object.fromEntries(parameters.reads)).toEqual({ [`ssm:${PARAMETER}`]: 1 });
    });

    it('does not start on a document marked as the development configuration', async () => {
      const parameters = new InMemoryParameterSource({
        [PARAMETER]: `environment: development\n${document.replace(/^environment: .*\n/m, '')}`,
      });

      const compose = composeConsumerLambda('correlator', env, undefined, parameters);

      await expect(compose).rejects.toThrow(DevelopmentConfigInLambdaError);
    });

    it('does not start when a provider names an interpreter that does not exist', async () => {
      const parameters = new InMemoryParameterSource({
        [PARAMETER]: document.replace('interpreter: stripe', 'interpreter: stripes'),
      });

      const compose = composeConsumerLambda('correlator', env, undefined, parameters);

      await expect(compose).rejects.toThrow(
        /providers\.0\.interpreter: interpreter must be one of: sandbox, stripe, generic/,
      );
    });
  });

  describe('when the correlator runs in a Lambda function without LEDGER_CONFIG_PARAMETER', () => {
    it('refuses to start rather than read every provider as sandbox', async () => {
      const env = readLedgerEnv({
        DYNAMODB_ENDPOINT: NOWHERE,
        EVENTBRIDGE_ENDPOINT: NOWHERE,
        AWS_LAMBDA_FUNCTION_NAME: 'ledger-CorrelatorFunction',
      });

      const compose = composeConsumerLambda(
        'correlator',
        env,
        undefined,
        new InMemoryParameterSource(),
      );

      await expect(compose).rejects.toThrow(/LEDGER_CONFIG_PARAMETER is unset/);
    });
  });

  describe.each(['projector', 'publisher'])('when the %s function is composed', (name) => {
    it('reads no configuration', async () => {
      const env = readLedgerEnv({
        DYNAMODB_ENDPOINT: NOWHERE,
        EVENTBRIDGE_ENDPOINT: NOWHERE,
        AWS_LAMBDA_FUNCTION_NAME: `ledger-${name}`,
      });
      const parameters = new InMemoryParameterSource();

      const root = await composeConsumerLambda(name, env, undefined, parameters);
      await root.close();

      expect(root.consumer.name).toBe(name);
      expect(parameters.reads.size).toBe(0);
    });
  });
});
