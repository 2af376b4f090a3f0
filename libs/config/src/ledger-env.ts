import { resolve } from 'node:path';
import { ConfigError } from './config.errors';

/** The process environment the ledger reads (API.md, "Running it"), parsed once. */
export interface LedgerEnv {
  port: number;
  /**
   * The interface the local services listen on (LEDGER_HOST, default 127.0.0.1: the committed
   * keys are public, so nothing listens beyond this machine unless asked): the API, the local
   * bus, the sandbox gateway and DynamoDB Local. `0.0.0.0` = every interface.
   */
  host: string;
  configPath: string;
  /**
   * The SSM parameter holding the deployed configuration (LEDGER_CONFIG_PARAMETER); what the
   * Lambda roots read instead of `configPath`. AWS only.
   */
  configParameter?: string;
  /** Set by the Lambda runtime (AWS_LAMBDA_FUNCTION_NAME): the process is a Lambda function. */
  lambdaFunctionName?: string;
  /** Unset = start the embedded DynamoDB Local. */
  dynamoDbEndpoint?: string;
  /** Unset = start the local bus. */
  eventBridgeEndpoint?: string;
  /** The bus integration events are put on (default `default`). */
  eventBusName: string;
  dataDir: string;
  tablePrefix: string;
  /**
   * Table names given one by one (EVENTS_TABLE, IDEMPOTENCY_TABLE, READ_MODELS_TABLE,
   * META_TABLE), each overriding `<tablePrefix><name>`: a stack passes the names CloudFormation
   * generated. Locally unset.
   */
  tableNames: LedgerTableNames;
  dynamoDbLocalPort: number;
  localBusPort: number;
  sandboxGatewayPort: number;
  logLevel: string;
  /**
   * The deployed ARN of each template.yaml rule, by its `<Function>.<Event>` name
   * (LEDGER_RULE_ARNS, `<Function>.<Event>=<rule ARN>` separated by commas): CloudFormation
   * names the rules, so republish finds a rule's targets through these. AWS only.
   */
  ruleArns?: Readonly<Record<string, string>>;
  /** The function that runs admin-API replays (REPLAY_WORKER_FUNCTION); unset = in process. */
  replayWorkerFunction?: string;
  /**
   * Time-index shards of each new day (TIME_INDEX_SHARDS, default 8; a multiple of 8 up to
   * 1024): docs/deploy.md, "Throughput ceilings".
   */
  timeIndexShards: number;
  /**
   * Shards of each tenant's payment list in a new read-model generation (PAYMENT_LIST_SHARDS,
   * default 4; 1 to 64): docs/deploy.md, "Throughput ceilings".
   */
  paymentListShards: number;
}

/** Table names set one by one in the environment; an unset one is `<prefix><name>`. */
export interface LedgerTableNames {
  events?: string;
  idempotency?: string;
  readModels?: string;
  meta?: string;
}

function portOf(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number (0-65535), got "${raw}"`);
  }
  return port;
}

const HOST = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|[a-zA-Z0-9.-]+)$/;

function hostOf(env: NodeJS.ProcessEnv, name: string): string {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return LOOPBACK;
  if (!HOST.test(raw)) {
    throw new ConfigError(`${name} must be an address or host name to listen on, got "${raw}"`);
  }
  return raw;
}

/** Where the local services listen unless LEDGER_HOST says otherwise. */
export const LOOPBACK = '127.0.0.1';

/**
 * The host a client on this machine uses to reach a service listening on `host`: a wildcard
 * address (every interface) is reached on loopback; an IPv6 address is bracketed for a URL.
 */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return LOOPBACK;
  return host.includes(':') ? `[${host}]` : host;
}

function countOf(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  accepts: (count: number) => boolean,
  expected: string,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const count = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !accepts(count)) {
    throw new ConfigError(`${name} must be ${expected}, got "${raw}"`);
  }
  return count;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function withoutUnset(names: LedgerTableNames): LedgerTableNames {
  return Object.fromEntries(Object.entries(names).filter(([, name]) => name !== undefined));
}

const RULE_ARN = /^arn:[^:]+:events:[^:]*:\d*:rule\/[^=,\s]+$/;

/** LEDGER_RULE_ARNS: `<Function>.<Event>=<rule ARN>`, comma-separated. */
function ruleArnsOf(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const arns: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    const [name, arn, ...rest] = entry.trim().split('=');
    if (!name || arn === undefined || rest.length > 0 || !RULE_ARN.test(arn)) {
      throw new ConfigError(
        `LEDGER_RULE_ARNS must be <Function>.<Event>=<rule ARN>, comma-separated; got "${entry}"`,
      );
    }
    arns[name] = arn;
  }
  return arns;
}

/** Reads the ledger's settings from `env`, with the documented defaults. */
export function readLedgerEnv(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): LedgerEnv {
  return {
    port: portOf(env, 'PORT', 3000),
    host: hostOf(env, 'LEDGER_HOST'),
    configPath: resolve(cwd, nonEmpty(env.LEDGER_CONFIG) ?? 'ledger.config.yaml'),
    configParameter: nonEmpty(env.LEDGER_CONFIG_PARAMETER),
    lambdaFunctionName: nonEmpty(env.AWS_LAMBDA_FUNCTION_NAME),
    dynamoDbEndpoint: nonEmpty(env.DYNAMODB_ENDPOINT),
    eventBridgeEndpoint: nonEmpty(env.EVENTBRIDGE_ENDPOINT),
    eventBusName: nonEmpty(env.EVENT_BUS_NAME) ?? 'default',
    dataDir: resolve(cwd, nonEmpty(env.LEDGER_DATA_DIR) ?? '.data'),
    tablePrefix: env.TABLE_PREFIX ?? 'ledger-',
    tableNames: withoutUnset({
      events: nonEmpty(env.EVENTS_TABLE),
      idempotency: nonEmpty(env.IDEMPOTENCY_TABLE),
      readModels: nonEmpty(env.READ_MODELS_TABLE),
      meta: nonEmpty(env.META_TABLE),
    }),
    dynamoDbLocalPort: portOf(env, 'DYNAMODB_LOCAL_PORT', 8000),
    localBusPort: portOf(env, 'LOCAL_BUS_PORT', 4010),
    sandboxGatewayPort: portOf(env, 'SANDBOX_GATEWAY_PORT', 4020),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    ruleArns: ruleArnsOf(nonEmpty(env.LEDGER_RULE_ARNS)),
    replayWorkerFunction: nonEmpty(env.REPLAY_WORKER_FUNCTION),
    // The event store checks the same rule: replay's 8 lanes must divide every day's count.
    timeIndexShards: countOf(
      env,
      'TIME_INDEX_SHARDS',
      8,
      (n) => n >= 8 && n <= 1024 && n % 8 === 0,
      'a multiple of 8 from 8 to 1024',
    ),
    paymentListShards: countOf(
      env,
      'PAYMENT_LIST_SHARDS',
      4,
      (n) => n >= 1 && n <= 64,
      'a whole number from 1 to 64',
    ),
  };
}
