import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, ValidateNested, validateSync } from 'class-validator';
import { ConfigError, DevelopmentConfigInLambdaError } from './config.errors';
import {
  CONFIG_ENVIRONMENTS,
  ProviderInterpretationConfig,
  parseConfigYaml,
  providerMappingProblems,
  readConfigFile,
  validationProblems,
  type ConfigEnvironment,
} from './ledger-config';
import type { LedgerEnv } from './ledger-env';
import type { ParameterSource } from './parameter-source.port';

/** The configuration document reduced to its marker and its providers' interpreter settings. */
class ProviderInterpretationsDocument {
  @IsOptional()
  @IsIn(CONFIG_ENVIRONMENTS)
  environment?: ConfigEnvironment;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProviderInterpretationConfig)
  providers: ProviderInterpretationConfig[] = [];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Only the members this reading validates: whatever else a provider holds (secrets written as
 * `secretsmanager:`, `ssm:` or `env:` references among them) is left behind unread.
 */
function interpretationPart(raw: unknown): Record<string, unknown> {
  const document = isRecord(raw) ? raw : {};
  const providers = document.providers ?? [];
  return {
    environment: document.environment,
    providers: Array.isArray(providers)
      ? providers.map((provider: unknown) =>
          isRecord(provider)
            ? { name: provider.name, interpreter: provider.interpreter, mapping: provider.mapping }
            : provider,
        )
      : providers,
  };
}

function parseInterpretationDocument(
  raw: unknown,
  source: string,
): ProviderInterpretationsDocument {
  const document = plainToInstance(ProviderInterpretationsDocument, interpretationPart(raw), {
    exposeDefaultValues: true,
  });
  const problems = validationProblems(validateSync(document, { forbidUnknownValues: true }));
  if (problems.length === 0) {
    const names = new Set<string>();
    for (const provider of document.providers) {
      if (names.has(provider.name)) problems.push(`provider "${provider.name}" is declared twice`);
      names.add(provider.name);
      problems.push(...providerMappingProblems(provider));
    }
  }
  if (problems.length > 0) throw new ConfigError(`${source} is invalid`, problems);
  return document;
}

/**
 * Each provider's interpreter settings (name, interpreter, mapping) of a parsed configuration
 * document, validated as the whole configuration validates them. No reference is resolved: the
 * keys and secrets are neither read nor checked.
 */
export function parseProviderInterpretations(
  raw: unknown,
  source = 'configuration',
): ProviderInterpretationConfig[] {
  return parseInterpretationDocument(raw, source).providers;
}

/** The providers' interpreter settings of the configuration file `path` (local runs and specs). */
export function loadProviderInterpretations(path: string): ProviderInterpretationConfig[] {
  return parseProviderInterpretations(parseConfigYaml(readConfigFile(path), path), path);
}

/**
 * The providers' interpreter settings of the deployed configuration, the YAML document the SSM
 * parameter `parameterName` holds: that one parameter is read, no `ssm:`, `secretsmanager:` or
 * `env:` reference of it. A document marked `environment: development` is refused, as the
 * functions that read the whole configuration refuse it.
 */
export async function loadProviderInterpretationsFromParameter(
  parameterName: string,
  source: ParameterSource,
): Promise<ProviderInterpretationConfig[]> {
  const label = `SSM parameter ${parameterName}`;
  const document = parseInterpretationDocument(
    parseConfigYaml(await source.parameter(parameterName), label),
    label,
  );
  if (document.environment === 'development') {
    throw new DevelopmentConfigInLambdaError(
      `${label} is a development configuration and a Lambda function will not start on it`,
      ['it is marked "environment: development"'],
    );
  }
  return document.providers;
}

/**
 * The providers' interpreter settings of a Lambda composition root, from the SSM parameter
 * LEDGER_CONFIG_PARAMETER names. As `loadLambdaLedgerConfig`: required in a Lambda
 * function; elsewhere (specs composing a Lambda root) an unset one falls back to the file
 * LEDGER_CONFIG names.
 */
export async function loadLambdaProviderInterpretations(
  env: LedgerEnv,
  source: ParameterSource,
): Promise<ProviderInterpretationConfig[]> {
  if (env.configParameter !== undefined) {
    return loadProviderInterpretationsFromParameter(env.configParameter, source);
  }
  if (env.lambdaFunctionName !== undefined) {
    throw new ConfigError(
      `LEDGER_CONFIG_PARAMETER is unset: function ${env.lambdaFunctionName} reads its ` +
        "providers' interpreters from that SSM parameter, never from the file in its package",
    );
  }
  return loadProviderInterpretations(env.configPath);
}
