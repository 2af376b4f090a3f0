import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { parse } from 'yaml';
import { SCHEME_NAMES, type SchemeName } from '@ledger/webhooks';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class TenantConfig {
  @Matches(SLUG, { message: 'tenant id must be lower-case letters, digits and dashes' })
  id!: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MinLength(16, { each: true, message: 'each API key is at least 16 characters long' })
  apiKeys!: string[];
}

export class ProviderConfig {
  @Matches(SLUG, { message: 'provider name must be lower-case letters, digits and dashes' })
  name!: string;

  @IsString()
  tenant!: string;

  @IsIn(SCHEME_NAMES)
  scheme!: SchemeName;

  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MinLength(8, { each: true })
  secrets!: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  toleranceSeconds: number = 300;
}

export class GatewayConfig {
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  baseUrl: string | null = null;

  @IsString()
  @MinLength(1)
  apiKey!: string;
}

export class WebhooksConfig {
  /** Rejected deliveries stored one by one per second; past it they are only counted. */
  @IsInt()
  @Min(0)
  @Max(10_000)
  rejectionAuditPerSecond: number = 10;

  @IsInt()
  @Min(0)
  @Max(10_000)
  rejectionAuditBurst: number = 20;
}

/**
 * The sweeper that settles payments left in `requested`, `processing` or `outcome_unknown`:
 * locally a timer inside `ledger start`, in AWS a scheduled function.
 */
export class SweeperConfig {
  @IsOptional()
  @IsBoolean()
  enabled: boolean = true;

  /** How often it runs locally (in AWS, the schedule in template.yaml). */
  @IsInt()
  @Min(5)
  @Max(86_400)
  intervalSeconds: number = 60;

  /** Payments unchanged for this long are settled; not below the 30 s request lock. */
  @IsInt()
  @Min(30)
  @Max(30 * 86_400)
  olderThanSeconds: number = 300;

  /** At most this many payments per run. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxPerRun: number = 200;
}

export class PaymentsConfig {
  @IsOptional()
  @ValidateNested()
  @Type(() => SweeperConfig)
  sweeper: SweeperConfig = new SweeperConfig();
}

/** The YAML configuration (API.md, "Configuration"). */
export class LedgerConfig {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TenantConfig)
  tenants: TenantConfig[] = [];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProviderConfig)
  providers: ProviderConfig[] = [];

  @IsOptional()
  @ValidateNested()
  @Type(() => WebhooksConfig)
  webhooks: WebhooksConfig = new WebhooksConfig();

  @IsOptional()
  @ValidateNested()
  @Type(() => GatewayConfig)
  gateway: GatewayConfig = Object.assign(new GatewayConfig(), { apiKey: 'sandbox-key' });

  @IsOptional()
  @ValidateNested()
  @Type(() => PaymentsConfig)
  payments: PaymentsConfig = new PaymentsConfig();
}

/** The configuration file is missing, unreadable or invalid; the message lists every problem. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length > 0 ? `${message}:\n  - ${problems.join('\n  - ')}` : message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration. A value `env:NAME` is read from the environment, so
 * production secrets (injected from Secrets Manager or SSM) never sit in the file.
 */
export function loadLedgerConfig(path: string, env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read the configuration file ${path}: ${(error as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  return parseLedgerConfig(resolveEnvReferences(raw ?? {}, env), path);
}

/** Validates an already-parsed configuration object. */
export function parseLedgerConfig(raw: unknown, source = 'configuration'): LedgerConfig {
  const config = plainToInstance(LedgerConfig, raw, { exposeDefaultValues: true });
  const problems = validateSync(config, { forbidUnknownValues: true }).flatMap((e) => describe(e));
  problems.push(...crossCheck(config));
  if (problems.length > 0) throw new ConfigError(`${source} is invalid`, problems);
  return config;
}

function crossCheck(config: LedgerConfig): string[] {
  const problems: string[] = [];
  const tenantIds = new Set<string>();
  for (const tenant of config.tenants ?? []) {
    if (tenantIds.has(tenant.id)) problems.push(`tenant "${tenant.id}" is declared twice`);
    tenantIds.add(tenant.id);
  }
  const keys = (config.tenants ?? []).flatMap((t) => t.apiKeys ?? []);
  if (new Set(keys).size !== keys.length)
    problems.push('an API key is given to more than one tenant');
  const providerNames = new Set<string>();
  for (const provider of config.providers ?? []) {
    if (providerNames.has(provider.name))
      problems.push(`provider "${provider.name}" is declared twice`);
    providerNames.add(provider.name);
    if (!tenantIds.has(provider.tenant)) {
      problems.push(`provider "${provider.name}" names unknown tenant "${provider.tenant}"`);
    }
  }
  return problems;
}

function describe(error: ValidationError, path = ''): string[] {
  const here = path === '' ? error.property : `${path}.${error.property}`;
  const own = Object.values(error.constraints ?? {}).map((message) => `${here}: ${message}`);
  return [...own, ...(error.children ?? []).flatMap((child) => describe(child, here))];
}

function resolveEnvReferences(value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string' && value.startsWith('env:')) {
    const name = value.slice(4);
    const resolved = env[name];
    if (resolved === undefined)
      throw new ConfigError(`The configuration refers to unset env variable ${name}`);
    return resolved;
  }
  if (Array.isArray(value)) return value.map((item) => resolveEnvReferences(item, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveEnvReferences(item, env)]),
    );
  }
  return value;
}
