import { ConfigError, DevelopmentConfigInLambdaError } from './config.errors';
import {
  parseConfigYaml,
  parseLedgerConfig,
  resolveEnvReferences,
  gatewayBaseUrl,
  tenantGateway,
  loadLedgerConfig,
  type LedgerConfig,
} from './ledger-config';
import type { LedgerEnv } from './ledger-env';
import type { ParameterSource } from './parameter-source.port';

/** A value `ssm:/path` is read from that SSM parameter (decrypted). */
const SSM_PREFIX = 'ssm:';
/** A value `secretsmanager:name-or-arn` is read from that Secrets Manager secret. */
const SECRETS_MANAGER_PREFIX = 'secretsmanager:';

/**
 * The keys and secrets committed in ledger.config.yaml: published in the repository, so a
 * configuration holding any of them is the development one, with or without its marker. A unit
 * spec keeps this list equal to what the committed file holds.
 */
export const DEVELOPMENT_CREDENTIALS: ReadonlySet<string> = new Set([
  'local-dev-key-acme',
  'local-dev-key-globex',
  'local-dev-key-operator',
  'local-dev-admin-key-acme',
  'sandbox-key-local-only',
  'sandbox-key-globex-local-only',
  'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=',
  'whsec_bG9jYWwtZGV2LW9ubHktZ2xvYmV4LW5vdC1hLXNlY3JldA==',
  'whsec_local_dev_only_not_a_real_secret',
  'local-dev-only-not-a-real-secret',
  'local-dev-only-cursor-key-not-secret',
]);

/** Every key and secret a configuration holds: API keys, gateway keys, webhook secrets, cursor key. */
export function configCredentials(config: LedgerConfig): string[] {
  return [
    ...config.tenants.flatMap((tenant) => [
      ...tenant.apiKeys,
      ...tenant.adminKeys,
      tenant.gateway?.apiKey ?? '',
    ]),
    ...config.operators.flatMap((operator) => operator.apiKeys),
    ...config.providers.flatMap((provider) => provider.secrets),
    config.api.cursorKey ?? '',
  ].filter((value) => value !== '');
}

/**
 * Refuses a configuration made for local runs in a Lambda function: one marked
 * `environment: development`, one holding a committed development key or secret, or one with a
 * tenant whose gateway is the local sandbox (a `sandbox` account's `baseUrl: null` means 127.0.0.1
 * there; a `stripe` account's means https://api.stripe.com, which is fine).
 */
export function assertFitForLambda(config: LedgerConfig, source: string): void {
  const problems: string[] = [];
  if (config.environment === 'development') {
    problems.push('it is marked "environment: development"');
  }
  const published = configCredentials(config).filter((value) => DEVELOPMENT_CREDENTIALS.has(value));
  if (published.length > 0) {
    problems.push(
      `it holds ${published.length} key(s) or secret(s) committed in ledger.config.yaml`,
    );
  }
  for (const tenant of config.tenants) {
    if (gatewayBaseUrl(tenantGateway(tenant)) === null) {
      problems.push(
        `tenant "${tenant.id}": gateway.baseUrl is null (the local sandbox, absent in AWS): ` +
          "give the gateway account's URL",
      );
    }
  }
  if (problems.length > 0) {
    throw new DevelopmentConfigInLambdaError(
      `${source} is a development configuration and a Lambda function will not start on it`,
      problems,
    );
  }
}

/**
 * Replaces every string `ssm:/path` or `secretsmanager:name` of a parsed configuration by what
 * `source` holds under that name. Each distinct reference is read once.
 */
export async function resolveParameterReferences(
  value: unknown,
  source: ParameterSource,
): Promise<unknown> {
  const reads = new Map<string, Promise<string>>();
  const read = (reference: string): Promise<string> => {
    let pending = reads.get(reference);
    if (pending === undefined) {
      pending = reference.startsWith(SSM_PREFIX)
        ? source.parameter(referenceName(reference, SSM_PREFIX))
        : source.secret(referenceName(reference, SECRETS_MANAGER_PREFIX));
      reads.set(reference, pending);
    }
    return pending;
  };
  const walk = async (node: unknown): Promise<unknown> => {
    if (
      typeof node === 'string' &&
      (node.startsWith(SSM_PREFIX) || node.startsWith(SECRETS_MANAGER_PREFIX))
    ) {
      return read(node);
    }
    if (Array.isArray(node)) return Promise.all(node.map(walk));
    if (node !== null && typeof node === 'object') {
      const entries = await Promise.all(
        Object.entries(node).map(async ([key, item]) => [key, await walk(item)] as const),
      );
      return Object.fromEntries(entries);
    }
    return node;
  };
  return walk(value);
}

function referenceName(reference: string, prefix: string): string {
  const name = reference.slice(prefix.length).trim();
  if (name === '') throw new ConfigError(`The configuration has an empty reference "${reference}"`);
  return name;
}

/**
 * Reads a deployed configuration: the YAML document held by the SSM parameter `parameterName`,
 * its `ssm:` and `secretsmanager:` references resolved through `source`, its `env:` references
 * from `env`, validated, and refused when it is a development configuration.
 */
export async function loadLedgerConfigFromParameter(
  parameterName: string,
  source: ParameterSource,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LedgerConfig> {
  const label = `SSM parameter ${parameterName}`;
  const document = parseConfigYaml(await source.parameter(parameterName), label);
  const resolved = resolveEnvReferences(await resolveParameterReferences(document, source), env);
  const config = parseLedgerConfig(resolved, label);
  assertFitForLambda(config, label);
  return config;
}

/**
 * The configuration of a Lambda composition root: from the SSM parameter LEDGER_CONFIG_PARAMETER
 * names. In a Lambda function that parameter is required (the package's ledger.config.yaml is
 * the development one); elsewhere (specs composing a Lambda root on DynamoDB Local) an unset one
 * falls back to the file LEDGER_CONFIG names.
 */
export async function loadLambdaLedgerConfig(
  env: LedgerEnv,
  source: ParameterSource,
  processEnv: NodeJS.ProcessEnv = process.env,
): Promise<LedgerConfig> {
  if (env.configParameter !== undefined) {
    return loadLedgerConfigFromParameter(env.configParameter, source, processEnv);
  }
  if (env.lambdaFunctionName !== undefined) {
    throw new ConfigError(
      `LEDGER_CONFIG_PARAMETER is unset: function ${env.lambdaFunctionName} reads its ` +
        'configuration from that SSM parameter, never from the file in its package',
    );
  }
  return loadLedgerConfig(env.configPath, processEnv);
}
