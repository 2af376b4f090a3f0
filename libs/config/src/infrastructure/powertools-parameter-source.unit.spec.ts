import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../config.errors';
import { PowertoolsParameterSource } from './powertools-parameter-source';

// SSM and Secrets Manager have no local engine: these clients are real, with a middleware that
// answers each command before it is serialised or sent, recording what was asked.
type Answer = (input: Record<string, unknown>) => Record<string, unknown>;

/** A middleware that answers every command with `answer(input)`, and the inputs it was given. */
function answering(answer: Answer) {
  const inputs: Array<Record<string, unknown>> = [];
  const middleware = () => (args: { input: object }) => {
    const input = args.input as Record<string, unknown>;
    inputs.push(input);
    return Promise.resolve({ output: { $metadata: {}, ...answer(input) }, response: {} });
  };
  return { inputs, middleware, options: { step: 'initialize', priority: 'high' } as const };
}

const clientConfig = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
};

function source(answers: { ssm?: Answer; secrets?: Answer }) {
  const ssm = answering(answers.ssm ?? (() => ({ Parameter: { Value: 'yaml document' } })));
  const secrets = answering(answers.secrets ?? (() => ({ SecretString: 'secret value' })));
  const ssmClient = new SSMClient(clientConfig);
  ssmClient.middlewareStack.add(ssm.middleware, ssm.options);
  const secretsClient = new SecretsManagerClient(clientConfig);
  secretsClient.middlewareStack.add(secrets.middleware, secrets.options);
  return {
    ssm: ssm.inputs,
    secrets: secrets.inputs,
    parameters: new PowertoolsParameterSource({ ssm: ssmClient, secretsManager: secretsClient }),
  };
}

describe('PowertoolsParameterSource', () => {
  describe('when a parameter is read', () => {
    it('asks SSM for its decrypted value', async () => {
      const { parameters, ssm } = source({});

      const value = await parameters.parameter('/ledger/prod/config');

      expect(value).toBe('yaml document');
      expect(ssm).toEqual([{ Name: '/ledger/prod/config', WithDecryption: true }]);
    });
  });

  describe('when a secret is read twice within its maximum age', () => {
    it('asks Secrets Manager once', async () => {
      const { parameters, secrets } = source({});

      const values = [await parameters.secret('ledger/key'), await parameters.secret('ledger/key')];

      expect(values).toEqual(['secret value', 'secret value']);
      expect(secrets).toEqual([{ SecretId: 'ledger/key' }]);
    });
  });

  describe('when the service refuses the read', () => {
    it('fails with a ConfigError naming what it read', async () => {
      const { parameters } = source({
        ssm: () => {
          throw new Error('ParameterNotFound');
        },
      });

      const read = parameters.parameter('/ledger/none');

      await expect(read).rejects.toThrow(ConfigError);
      await expect(read).rejects.toThrow(/Cannot read the SSM parameter \/ledger\/none/);
    });
  });

  describe('when a secret holds binary data only', () => {
    it('fails with a ConfigError', async () => {
      const { parameters } = source({ secrets: () => ({ SecretBinary: new Uint8Array([1, 2]) }) });

      await expect(parameters.secret('ledger/binary')).rejects.toThrow(
        'The Secrets Manager secret ledger/binary holds no string value',
      );
    });
  });
});
