import { resolve } from 'node:path';
import { ConfigError } from './config.errors';

/** The process environment the ledger reads (API.md, "Running it"), parsed once. */
export interface LedgerEnv {
  port: number;
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
  dynamoDbLocalPort: number;
  localBusPort: number;
  sandboxGatewayPort: number;
  logLevel: string;
  /**
   * The CloudFormation stack (LEDGER_STACK_NAME): a rule of template.yaml named
   * `<Function>.<Event>` is deployed as `<stack>-<Function>-<Event>`. AWS only.
   */
  stackName?: string;
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

function portOf(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number (0-65535), got "${raw}"`);
  }
  return port;
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

/** Reads the ledger's settings from `env`, with the documented defaults. */
export function readLedgerEnv(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): LedgerEnv {
  return {
    port: portOf(env, 'PORT', 3000),
    configPath: resolve(cwd, nonEmpty(env.LEDGER_CONFIG) ?? 'ledger.config.yaml'),
    configParameter: nonEmpty(env.LEDGER_CONFIG_PARAMETER),
    lambdaFunctionName: nonEmpty(env.AWS_LAMBDA_FUNCTION_NAME),
    dynamoDbEndpoint: nonEmpty(env.DYNAMODB_ENDPOINT),
    eventBridgeEndpoint: nonEmpty(env.EVENTBRIDGE_ENDPOINT),
    eventBusName: nonEmpty(env.EVENT_BUS_NAME) ?? 'default',
    dataDir: resolve(cwd, nonEmpty(env.LEDGER_DATA_DIR) ?? '.data'),
    tablePrefix: env.TABLE_PREFIX ?? 'ledger-',
    dynamoDbLocalPort: portOf(env, 'DYNAMODB_LOCAL_PORT', 8000),
    localBusPort: portOf(env, 'LOCAL_BUS_PORT', 4010),
    sandboxGatewayPort: portOf(env, 'SANDBOX_GATEWAY_PORT', 4020),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    stackName: nonEmpty(env.LEDGER_STACK_NAME),
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
