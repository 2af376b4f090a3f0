import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../config.errors';
import type { ParameterSource } from '../parameter-source.port';

/**
 * How long a value read stays cached, in seconds. The Lambda roots read the configuration once
 * per execution environment (at cold start), so a changed parameter or secret reaches new
 * execution environments; the cache spares a second read of a value referenced twice.
 */
export const PARAMETER_MAX_AGE_SECONDS = 300;

export interface PowertoolsParameterSourceOptions {
  /** Default {@link PARAMETER_MAX_AGE_SECONDS}. */
  maxAgeSeconds?: number;
  /** Default: a client from the function's environment (region, role). */
  ssm?: SSMClient;
  /** Default: a client from the function's environment (region, role). */
  secretsManager?: SecretsManagerClient;
}

/**
 * SSM Parameter Store (SecureString values decrypted) and Secrets Manager through the Powertools
 * parameters utility, whose providers cache each value for `maxAgeSeconds`. A provider (and its
 * client) is made on its first read, so a configuration without secrets loads no Secrets Manager.
 */
export class PowertoolsParameterSource implements ParameterSource {
  #ssm: SSMProvider | undefined;
  #secrets: SecretsProvider | undefined;
  private readonly maxAgeSeconds: number;

  constructor(private readonly options: PowertoolsParameterSourceOptions = {}) {
    this.maxAgeSeconds = options.maxAgeSeconds ?? PARAMETER_MAX_AGE_SECONDS;
  }

  async parameter(name: string): Promise<string> {
    const ssm = (this.#ssm ??= new SSMProvider({ awsSdkV3Client: this.options.ssm }));
    return read(`SSM parameter ${name}`, () =>
      ssm.get(name, { decrypt: true, maxAge: this.maxAgeSeconds }),
    );
  }

  async secret(id: string): Promise<string> {
    const secrets = (this.#secrets ??= new SecretsProvider({
      awsSdkV3Client: this.options.secretsManager,
    }));
    return read(`Secrets Manager secret ${id}`, () =>
      secrets.get(id, { maxAge: this.maxAgeSeconds }),
    );
  }
}

async function read(
  what: string,
  get: () => Promise<string | Uint8Array | undefined>,
): Promise<string> {
  let value: string | Uint8Array | undefined;
  try {
    value = await get();
  } catch (error) {
    throw new ConfigError(`Cannot read the ${what}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  if (typeof value !== 'string') throw new ConfigError(`The ${what} holds no string value`);
  return value;
}
