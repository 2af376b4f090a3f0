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
import { ConfigError } from './config.errors';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The gateway adapters a tenant's account can use. */
export const GATEWAY_KINDS = ['sandbox'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

/**
 * The webhook signature schemes a provider may name. The configuration owns this list so that it
 * depends on no feature lib; the webhooks lib's `ProviderRegistry` takes these names, so a scheme
 * listed here that it cannot verify fails the typecheck of the composition root, and a unit spec
 * beside the webhooks lib's `SCHEME_NAMES` keeps the two lists equal.
 */
export const WEBHOOK_SCHEME_NAMES = [
  'standard-webhooks',
  'stripe',
  'github',
  'hmac-sha256',
] as const;
export type WebhookSchemeName = (typeof WEBHOOK_SCHEME_NAMES)[number];

/** One tenant's account at its payment gateway. */
export class GatewayConfig {
  @IsOptional()
  @IsIn(GATEWAY_KINDS)
  kind: GatewayKind = 'sandbox';

  /** null = the sandbox gateway `ledger start` runs locally. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  baseUrl: string | null = null;

  @IsString()
  @MinLength(1)
  apiKey!: string;

  /**
   * The provider the locally run sandbox sends this account's webhooks to; it must belong to the
   * same tenant. Default: the tenant's only standard-webhooks provider.
   */
  @IsOptional()
  @Matches(SLUG, { message: 'webhookProvider must be a provider name' })
  webhookProvider?: string;
}

export class TenantConfig {
  @Matches(SLUG, { message: 'tenant id must be lower-case letters, digits and dashes' })
  id!: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MinLength(16, { each: true, message: 'each API key is at least 16 characters long' })
  apiKeys!: string[];

  /**
   * Keys of this tenant that also hold the admin grant: `/admin*` work within the tenant
   * (replays). They work on `/payments*` as `apiKeys` do; a key listed only in `apiKeys` gets
   * 403 `admin_grant_required` on `/admin*`.
   */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MinLength(16, { each: true, message: 'each admin key is at least 16 characters long' })
  adminKeys: string[] = [];

  /** The tenant's own gateway account (required once the configuration is normalised). */
  @IsOptional()
  @ValidateNested()
  @Type(() => GatewayConfig)
  gateway?: GatewayConfig;
}

/** Credentials for store-wide admin work (replays of every tenant); never a tenant's. */
export class OperatorConfig {
  @Matches(SLUG, { message: 'operator id must be lower-case letters, digits and dashes' })
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

  @IsIn(WEBHOOK_SCHEME_NAMES)
  scheme!: WebhookSchemeName;

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

export class ApiConfig {
  /**
   * The key list cursors are sealed with (HMAC-SHA256). Instances that share it accept each
   * other's cursors; without it each process makes up its own and says so at start.
   */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'api.cursorKey is at least 16 characters long' })
  cursorKey?: string;
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

/**
 * What a configuration is for: the committed example says `development`, and a Lambda function
 * refuses to start on it (`assertFitForLambda`).
 */
export const CONFIG_ENVIRONMENTS = ['development', 'production'] as const;
export type ConfigEnvironment = (typeof CONFIG_ENVIRONMENTS)[number];

/** The YAML configuration (API.md, "Configuration"). */
export class LedgerConfig {
  @IsOptional()
  @IsIn(CONFIG_ENVIRONMENTS)
  environment?: ConfigEnvironment;

  // Without a tenant no key is accepted: a service nobody can use is refused at start.
  @IsArray()
  @ArrayMinSize(1, { message: 'declare at least one tenant (tenants: [{ id, apiKeys, gateway }])' })
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
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => OperatorConfig)
  operators: OperatorConfig[] = [];

  @IsOptional()
  @ValidateNested()
  @Type(() => ApiConfig)
  api: ApiConfig = new ApiConfig();

  /**
   * @deprecated The one gateway of configurations before per-tenant accounts. Accepted only with a
   * single tenant, whose `gateway` it becomes; cleared once the configuration is parsed.
   */
  @IsOptional()
  @ValidateNested()
  @Type(() => GatewayConfig)
  gateway?: GatewayConfig;

  @IsOptional()
  @ValidateNested()
  @Type(() => PaymentsConfig)
  payments: PaymentsConfig = new PaymentsConfig();
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
      [],
      { cause: error },
    );
  }
  return parseLedgerConfig(resolveEnvReferences(parseConfigYaml(text, path), env), path);
}

/** The YAML document of a configuration, not yet validated (`source` names it in errors). */
export function parseConfigYaml(text: string, source: string): unknown {
  try {
    return parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(`${source} is not valid YAML: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
}

/** Validates an already-parsed configuration object. */
export function parseLedgerConfig(raw: unknown, source = 'configuration'): LedgerConfig {
  if (!isMapping(raw)) {
    throw new ConfigError(
      `${source} is invalid: it must be a mapping of settings (tenants, providers, ...), not ${kindOf(raw)}`,
    );
  }
  const config = plainToInstance(LedgerConfig, raw, { exposeDefaultValues: true });
  const problems = validateSync(config, { forbidUnknownValues: true }).flatMap((e) => describe(e));
  if (problems.length === 0) problems.push(...normaliseGateways(config));
  problems.push(...crossCheck(config));
  if (problems.length > 0) throw new ConfigError(`${source} is invalid`, problems);
  return config;
}

/** The tenant's gateway account; parseLedgerConfig guarantees every tenant has one. */
export function tenantGateway(tenant: TenantConfig): GatewayConfig {
  if (tenant.gateway === undefined) throw new ConfigError(`tenant "${tenant.id}" has no gateway`);
  return tenant.gateway;
}

/**
 * Gives every tenant its own gateway account. An old top-level `gateway` still works for a single
 * tenant (it becomes that tenant's); with several tenants it would be one account shared by all,
 * whose webhooks reach one tenant's provider only, so it is refused with what to change.
 */
function normaliseGateways(config: LedgerConfig): string[] {
  const problems: string[] = [];
  const legacy = config.gateway;
  config.gateway = undefined;
  if (legacy !== undefined) {
    if (config.tenants.length === 1 && config.tenants[0].gateway === undefined) {
      config.tenants[0].gateway = legacy;
    } else {
      problems.push(
        'the top-level "gateway" would be one gateway account shared by every tenant: move it ' +
          'under each tenant as tenants[].gateway { kind, baseUrl, apiKey }, one account per tenant',
      );
      return problems;
    }
  }
  const accounts = new Map<string, string>();
  for (const tenant of config.tenants) {
    if (tenant.gateway === undefined) {
      problems.push(
        `tenant "${tenant.id}" has no gateway account: add tenants[].gateway { kind, baseUrl, apiKey }`,
      );
      continue;
    }
    const account = `${tenant.gateway.kind} ${tenant.gateway.baseUrl ?? 'local'} ${tenant.gateway.apiKey}`;
    const other = accounts.get(account);
    if (other !== undefined) {
      problems.push(
        `tenants "${other}" and "${tenant.id}" share one gateway account: give each its own apiKey`,
      );
    }
    accounts.set(account, tenant.id);
  }
  return problems;
}

/**
 * Checks between sections (duplicates, references). It runs beside the shape's validation, so one
 * error lists every problem; it looks only at members whose shape is right (`tenants: 5` is the
 * shape's problem, not a crash here).
 */
function crossCheck(raw: LedgerConfig): string[] {
  const config = {
    tenants: mappings(raw.tenants),
    operators: mappings(raw.operators),
    providers: mappings(raw.providers),
  };
  const problems: string[] = [];
  const tenantIds = new Set<string>();
  for (const tenant of config.tenants) {
    if (tenantIds.has(tenant.id)) problems.push(`tenant "${tenant.id}" is declared twice`);
    tenantIds.add(tenant.id);
  }
  const keys = [
    ...config.tenants.flatMap((tenant) => [
      ...strings(tenant.apiKeys),
      ...strings(tenant.adminKeys),
    ]),
    ...config.operators.flatMap((operator) => strings(operator.apiKeys)),
  ];
  if (new Set(keys).size !== keys.length)
    problems.push('an API key is given more than once (to tenants, as admin keys, or operators)');
  const operatorIds = new Set<string>();
  for (const operator of config.operators) {
    if (operatorIds.has(operator.id)) problems.push(`operator "${operator.id}" is declared twice`);
    operatorIds.add(operator.id);
  }
  const providerNames = new Set<string>();
  for (const provider of config.providers) {
    if (providerNames.has(provider.name))
      problems.push(`provider "${provider.name}" is declared twice`);
    providerNames.add(provider.name);
    if (!tenantIds.has(provider.tenant)) {
      problems.push(`provider "${provider.name}" names unknown tenant "${provider.tenant}"`);
    }
  }
  for (const tenant of config.tenants) {
    const name = tenant.gateway?.webhookProvider;
    if (name === undefined) continue;
    const provider = config.providers.find((p) => p.name === name);
    if (provider?.tenant !== tenant.id) {
      problems.push(
        `tenant "${tenant.id}": gateway.webhookProvider "${name}" is not a provider of this tenant`,
      );
    }
  }
  return problems;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/** The mappings of a list that should hold them; anything else yields nothing to cross-check. */
function mappings<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value.filter(isMapping) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
}

function describe(error: ValidationError, path = ''): string[] {
  const here = path === '' ? error.property : `${path}.${error.property}`;
  const own = Object.values(error.constraints ?? {}).map((message) => `${here}: ${message}`);
  return [...own, ...(error.children ?? []).flatMap((child) => describe(child, here))];
}

/** Replaces every string `env:NAME` of a parsed configuration by that environment variable. */
export function resolveEnvReferences(value: unknown, env: NodeJS.ProcessEnv): unknown {
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
