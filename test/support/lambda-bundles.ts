import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCloudFormationTemplate } from '@ledger/testing';

const ROOT = join(__dirname, '..', '..');
const HARNESS = join(__dirname, 'invoke-handler.js');

/** A function of template.yaml as a deployment sees it: where its code is, what it runs. */
export interface TemplateFunction {
  logicalId: string;
  codeUri: string;
  handler: string;
  /** The function's Timeout (s): what `context.getRemainingTimeInMillis()` counts down from. */
  timeoutSeconds: number;
  /** Its environment variables (the Globals' and its own), intrinsics unresolved. */
  environment: Record<string, unknown>;
}

const readTemplate = () =>
  readCloudFormationTemplate<{ Parameters?: Record<string, { Default?: unknown }> }>(
    join(ROOT, 'template.yaml'),
  );

/** The template's parameters that have a default, with it (what a plain deploy takes). */
export function parameterDefaults(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(readTemplate().Parameters ?? {})
      .filter(([, parameter]) => parameter.Default !== undefined)
      .map(([name, parameter]) => [name, String(parameter.Default)]),
  );
}

/** Every `AWS::Serverless::Function` of template.yaml, its CodeUri falling back to the global one. */
export function templateFunctions(): TemplateFunction[] {
  const template = readTemplate() as {
    Globals?: {
      Function?: {
        CodeUri?: string;
        Timeout?: number;
        Environment?: { Variables?: Record<string, unknown> };
      };
    };
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
    .map(([logicalId, { Properties: properties }]) => ({
      logicalId,
      codeUri: String(
        (properties.CodeUri as string | undefined) ?? template.Globals?.Function?.CodeUri,
      ),
      handler: String(properties.Handler),
      // Lambda's default Timeout is 3 s.
      timeoutSeconds: Number(properties.Timeout ?? template.Globals?.Function?.Timeout ?? 3),
      environment: {
        ...template.Globals?.Function?.Environment?.Variables,
        ...(properties.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables,
      },
    }));
}

/**
 * Copies each function's bundle (its CodeUri) into a task root of its own outside the repository,
 * as Lambda unpacks a package into /var/task: nothing can then be found in the repository's
 * node_modules. Returns the task root per logical id and a cleanup.
 */
export function stageBundles(functions: TemplateFunction[]): {
  taskRoots: Record<string, string>;
  remove(): void;
} {
  const base = mkdtempSync(join(tmpdir(), 'ledger-bundles-'));
  const taskRoots = Object.fromEntries(
    functions.map((fn) => {
      if (!existsSync(join(ROOT, fn.codeUri, 'index.js'))) {
        throw new Error(`${fn.codeUri} (${fn.logicalId}) is not bundled: run \`npm run bundle\``);
      }
      const taskRoot = join(base, fn.logicalId);
      cpSync(join(ROOT, fn.codeUri), taskRoot, { recursive: true });
      return [fn.logicalId, taskRoot];
    }),
  );
  return { taskRoots, remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** What one cold start did: its load time and each invocation's result. */
export interface Invocation<R> {
  loadMs: number;
  results: R[];
  output: string;
}

/**
 * Invokes `fn.handler` of the bundle in `taskRoot` with each of `events` in turn, in a fresh `node`
 * process (a cold start, then warm calls) that sees `env` only. Asynchronous, so the servers this
 * process runs for the function (the sandbox gateway, the SSM endpoint...) keep answering.
 */
export async function invokeBundle<R = unknown>(
  taskRoot: string,
  fn: Pick<TemplateFunction, 'handler' | 'timeoutSeconds'>,
  env: Record<string, string>,
  events: unknown[],
): Promise<Invocation<R>> {
  const { handler } = fn;
  const dir = mkdtempSync(join(tmpdir(), 'ledger-invoke-'));
  const eventsFile = join(dir, 'events.json');
  const resultFile = join(dir, 'result.json');
  writeFileSync(eventsFile, JSON.stringify(events));
  const child = spawn(
    process.execPath,
    [HARNESS, taskRoot, handler, eventsFile, resultFile, String(fn.timeoutSeconds * 1000)],
    {
      cwd: taskRoot,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const outcome = JSON.parse(readFileSync(resultFile, 'utf8')) as {
      loadMs?: number;
      results?: R[];
      error?: string;
    };
    if (code !== 0 || outcome.error !== undefined) {
      throw new Error(
        `${handler} in ${taskRoot} failed (exit ${code}): ${outcome.error}\n${output}`,
      );
    }
    return { loadMs: outcome.loadMs ?? 0, results: outcome.results ?? [], output };
  } catch (error) {
    if (error instanceof SyntaxError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${handler} in ${taskRoot} wrote no result (exit ${code}):\n${output}`);
    }
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An asynchronous invocation the Lambda endpoint received (InvocationType Event). */
export interface ReceivedInvocation {
  functionName: string;
  invocationType: string | undefined;
  payload: unknown;
}

/**
 * The two AWS services a function calls that have no local engine here, answered over their own
 * protocols so the bundled SDK clients talk to it unchanged (AWS_ENDPOINT_URL_SSM,
 * AWS_ENDPOINT_URL_LAMBDA): SSM's GetParameter (AWS JSON 1.1) from `parameters`, and Lambda's
 * Invoke (REST JSON), recorded and answered 202 as an asynchronous invocation is.
 */
export interface FakeAwsEndpoint {
  url: string;
  parameterReads: string[];
  invocations: ReceivedInvocation[];
  stop(): Promise<void>;
}

export async function startFakeAwsEndpoint(
  parameters: Record<string, string>,
): Promise<FakeAwsEndpoint> {
  const parameterReads: string[] = [];
  const invocations: ReceivedInvocation[] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const send = (status: number, payload: unknown, type = 'application/x-amz-json-1.1') => {
        response.writeHead(status, { 'content-type': type });
        response.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url ?? '');
      if (request.headers['x-amz-target'] === 'AmazonSSM.GetParameter') {
        const { Name: name } = JSON.parse(body) as { Name: string };
        parameterReads.push(name);
        const value = parameters[name];
        if (value === undefined) {
          send(400, { __type: 'ParameterNotFound', message: `${name} not found` });
          return;
        }
        send(200, {
          Parameter: {
            Name: name,
            Type: 'SecureString',
            Value: value,
            Version: 1,
            DataType: 'text',
            ARN: `arn:aws:ssm:eu-west-1:000000000000:parameter${name}`,
          },
        });
        return;
      }
      if (request.method === 'POST' && invoke !== null) {
        invocations.push({
          functionName: decodeURIComponent(invoke[1]),
          invocationType: request.headers['x-amz-invocation-type'] as string | undefined,
          payload: JSON.parse(body) as unknown,
        });
        response.writeHead(202, { 'x-amz-request-id': randomUUID() });
        response.end();
        return;
      }
      send(400, { __type: 'UnknownOperationException', message: `${request.url}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    parameterReads,
    invocations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
