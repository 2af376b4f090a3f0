import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import {
  DevelopmentConfigInLambdaError,
  readLedgerEnv,
  repoRoot,
  type LedgerEnv,
  type ParameterSource,
} from '@ledger/config';
import { InMemoryParameterSource } from '@ledger/config/in-memory';
import { composeApiLambda } from './api-lambda.root';
import { composePaymentSweeperLambda } from './payment-sweeper.root';
import { composeReplayWorker } from './replay-worker.root';

const PARAMETER = '/ledger/prod/config';
const COMMITTED = readFileSync(`${repoRoot()}/ledger.config.yaml`, 'utf8');

/** What a Lambda function's environment holds; the storage endpoint is never reached here. */
const lambdaEnv = readLedgerEnv({
  AWS_LAMBDA_FUNCTION_NAME: 'ledger-ApiFunction',
  LEDGER_CONFIG_PARAMETER: PARAMETER,
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:9',
  LOG_LEVEL: 'silent',
});

const production = stringify({
  environment: 'production',
  tenants: [
    {
      id: 'acme',
      apiKeys: ['secretsmanager:ledger/acme-api-key'],
      gateway: { baseUrl: 'https://gateway.example.com', apiKey: 'secretsmanager:ledger/gw' },
    },
  ],
  providers: [
    {
      name: 'acme-webhooks',
      tenant: 'acme',
      scheme: 'standard-webhooks',
      secrets: ['secretsmanager:ledger/webhooks'],
    },
  ],
});
const productionSecrets = {
  'ledger/acme-api-key': 'acme-api-key-from-secrets-manager',
  'ledger/gw': 'gateway-key-from-secrets-manager',
  'ledger/webhooks': 'whsec_cHJvZHVjdGlvbi13ZWJob29rLXNlY3JldA==',
};

const ROOTS = [
  ['the API function', composeApiLambda],
  ['the payment sweeper function', composePaymentSweeperLambda],
  // Its gateway clients (for reconcile jobs) come from the same parameter and secrets.
  [
    'the replay worker function',
    (env: LedgerEnv, parameters: ParameterSource) =>
      composeReplayWorker(env, undefined, parameters),
  ],
] as const;

describe.each(ROOTS)('the composition root of %s', (_name, compose) => {
  describe('when its parameter holds the committed development configuration', () => {
    it('refuses to start', async () => {
      const parameters = new InMemoryParameterSource({ [PARAMETER]: COMMITTED });

      const start = compose(lambdaEnv, parameters);

      await expect(start).rejects.toThrow(DevelopmentConfigInLambdaError);
    });
  });

  describe('when its parameter holds a production configuration', () => {
    it('starts on it, its secrets read from the parameter source', async () => {
      const parameters = new InMemoryParameterSource(
        { [PARAMETER]: production },
        productionSecrets,
      );

      const root = await compose(lambdaEnv, parameters);
      await root.close();

      expect([...parameters.reads.keys()].sort()).toEqual([
        'secretsmanager:ledger/acme-api-key',
        'secretsmanager:ledger/gw',
        'secretsmanager:ledger/webhooks',
        `ssm:${PARAMETER}`,
      ]);
    });
  });
});
