import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
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
/** A tenant's, operator's or provider's name: lower-case letters, digits and dashes. */
export const CONFIG_NAME_PATTERN = SLUG;

/**
 * The gateway adapters a tenant's account can use: `sandbox` speaks the sandbox gateway's own API,
 * `stripe` speaks Stripe's (PaymentIntents and Refunds) through the official SDK.
 */
export const GATEWAY_KINDS = ['sandbox', 'stripe'] as const;
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

/**
 * How a provider's payloads are read (docs/providers.md): `sandbox`, the sandbox gateway's own
 * payloads (and the default, so configurations written before interpreters read as they did);
 * `stripe`, Stripe's event objects; `generic`, the provider's `mapping`. A unit spec beside the
 * webhooks lib's interpreters keeps this list equal to theirs.
 */
export const WEBHOOK_INTERPRETER_NAMES = ['sandbox', 'stripe', 'generic'] as const;
export type WebhookInterpreterName = (typeof WEBHOOK_INTERPRETER_NAMES)[number];

/** What a delivery may ask of a payment, as a `generic` mapping names it. */
export const WEBHOOK_MAPPED_INTENTS = [
  'payment_succeeded',
  'payment_failed',
  'refund_succeeded',
  'refund_failed',
] as const;
export type WebhookMappedIntent = (typeof WEBHOOK_MAPPED_INTENTS)[number];

/** The members a `generic` mapping may read from a payload, each by a path such as `$.data.id`. */
export const WEBHOOK_MAPPED_FIELDS = [
  'type',
  'paymentId',
  'orderId',
  'gatewayTransactionId',
  'refundId',
  'gatewayRefundId',
  'amount',
  'currency',
  'reason',
  'declineCode',
] as const;
export type WebhookMappedField = (typeof WEBHOOK_MAPPED_FIELDS)[number];

/** One tenant's account at its payment gateway. */
export class GatewayConfig {
  @IsOptional()
  @IsIn(GATEWAY_KINDS)
  kind: GatewayKind = 'sandbox';

  /**
   * null = the gateway's own default: for `sandbox` the one `ledger start` runs locally, for
   * `stripe` https://api.stripe.com (see {@link gatewayBaseUrl}). Set it to point a `stripe`
   * account at the sandbox's Stripe mode.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  baseUrl: string | null = null;

  @IsString()
  @MinLength(1)
  apiKey!: string;

  /**
   * `stripe` only: the PaymentMethod every PaymentIntent is confirmed with, as the ledger's
   * payments API carries none yet. Default with a test key (`sk_test_`/`rk_test_`): `pm_card_visa`;
   * a live key needs one set.
   */
  @IsOptional()
  @Matches(/^pm_[A-Za-z0-9_]+$/, {
    message: 'paymentMethod must be a Stripe PaymentMethod id (pm_...)',
  })
  paymentMethod?: string;

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

/**
 * A `generic` provider's mapping (docs/providers.md): `events` maps the values found at
 * `paths.type` to the ledger's intents (any other value is kept and not acted on); `paths` says
 * where each member is, as `$` followed by `.name`, `['name']` or `[index]` steps.
 */
export class PayloadMappingConfig {
  @IsObject()
  events!: Record<string, WebhookMappedIntent>;

  @IsObject()
  paths!: Partial<Record<WebhookMappedField, string>>;
}

/** Applies `decorators` as if written one above the other on the member (the last runs first). */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, member) => {
    for (const decorator of [...decorators].reverse()) decorator(target, member);
  };
}

/**
 * The checks of a provider's `name`, `interpreter` and `mapping`, one definition for both readings
 * of `providers[]`: the whole configuration's (`ProviderConfig`) and the correlator's
 * (`ProviderInterpretationConfig`).
 */
const ProviderMember = {
  name: (): PropertyDecorator =>
    Matches(SLUG, { message: 'provider name must be lower-case letters, digits and dashes' }),
  interpreter: (): PropertyDecorator =>
    stacked(
      IsOptional(),
      IsIn(WEBHOOK_INTERPRETER_NAMES, {
        message: `interpreter must be one of: ${WEBHOOK_INTERPRETER_NAMES.join(', ')}`,
      }),
    ),
  mapping: (): PropertyDecorator =>
    stacked(
      IsOptional(),
      ValidateNested(),
      Type(() => PayloadMappingConfig),
    ),
};

export class ProviderConfig {
  @ProviderMember.name()
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

  /** How the provider's payloads are read; `generic` also needs `mapping`. */
  @ProviderMember.interpreter()
  interpreter: WebhookInterpreterName = 'sandbox';

  /** The `generic` interpreter's mapping: which event types mean what, and where the values are. */
  @ProviderMember.mapping()
  mapping?: PayloadMappingConfig;
}

/**
 * How one webhook provider's payloads are read: the part of `providers[]` the correlator uses.
 * Its keys, secrets and tenant are not part of it.
 */
export class ProviderInterpretationConfig {
  @ProviderMember.name()
  name!: string;

  @ProviderMember.interpreter()
  interpreter: WebhookInterpreterName = 'sandbox';

  @ProviderMember.mapping()
  mapping?: PayloadMappingConfig;
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
  const text = readConfigFile(path);
  return parseLedgerConfig(resolveEnvReferences(parseConfigYaml(text, path), env), path);
}

/** The text of the configuration file `path`; a ConfigError when it cannot be read. */
export function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read the configuration file ${path}: ${(error as Error).message}`,
      [],
      { cause: error },
    );
  }
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
  const problems = validationProblems(validateSync(config, { forbidUnknownValues: true }));
  if (problems.length === 0) problems.push(...normaliseGateways(config));
  problems.push(...crossCheck(config));
  if (problems.length > 0) throw new ConfigError(`${source} is invalid`, problems);
  return config;
}

/** Where a `stripe` account's API is when its `baseUrl` is null. */
export const STRIPE_API_BASE_URL = 'https://api.stripe.com';

/**
 * The URL an account's adapter calls; null for a `sandbox` account with no `baseUrl` (the local
 * sandbox, whose port only the running process knows).
 */
export function gatewayBaseUrl(gateway: GatewayConfig): string | null {
  if (gateway.baseUrl !== null) return gateway.baseUrl;
  return gateway.kind === 'stripe' ? STRIPE_API_BASE_URL : null;
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
    problems.push(...providerMappingProblems(provider));
  }
  for (const tenant of config.tenants) {
    if (tenant.gateway?.paymentMethod !== undefined && tenant.gateway.kind !== 'stripe') {
      problems.push(`tenant "${tenant.id}": gateway.paymentMethod is for kind: stripe only`);
    }
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

/** A path as a `generic` mapping writes it: `$`, then `.name`, `['name']` or `[index]` steps. */
export const WEBHOOK_PAYLOAD_PATH = /^\$(?:\.[A-Za-z_$][\w$-]*|\['(?:[^'\\]|\\.)*'\]|\[[0-9]+\])*$/;

/** What is wrong with a provider's `interpreter` and `mapping` taken together (none: empty). */
export function providerMappingProblems(
  provider: Pick<ProviderConfig, 'name' | 'interpreter' | 'mapping'>,
): string[] {
  const where = `provider "${provider.name}"`;
  const { mapping } = provider;
  if (provider.interpreter !== 'generic') {
    return mapping === undefined
      ? []
      : [`${where}: a mapping is read only by the generic interpreter (interpreter: generic)`];
  }
  if (mapping === undefined) {
    return [`${where}: the generic interpreter needs a mapping { events, paths }`];
  }
  const problems: string[] = [];
  const intents: readonly string[] = WEBHOOK_MAPPED_INTENTS;
  for (const [type, intent] of Object.entries(mapping.events ?? {})) {
    if (!intents.includes(intent)) {
      problems.push(`${where}: mapping.events["${type}"] must be one of: ${intents.join(', ')}`);
    }
  }
  const fields: readonly string[] = WEBHOOK_MAPPED_FIELDS;
  for (const [field, path] of Object.entries(mapping.paths ?? {})) {
    if (!fields.includes(field)) {
      problems.push(`${where}: mapping.paths.${field} is not a member (${fields.join(', ')})`);
    } else if (typeof path !== 'string' || !WEBHOOK_PAYLOAD_PATH.test(path)) {
      problems.push(
        `${where}: mapping.paths.${field} must be a path such as $.data.object.id, got ${JSON.stringify(path)}`,
      );
    }
  }
  if (mapping.paths?.type === undefined) {
    problems.push(`${where}: mapping.paths.type says where the event type is (e.g. $.type)`);
  }
  return problems;
}

/** class-validator's errors as `path.to.member: message` lines. */
export function validationProblems(errors: readonly ValidationError[]): string[] {
  return errors.flatMap((error) => describe(error));
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
