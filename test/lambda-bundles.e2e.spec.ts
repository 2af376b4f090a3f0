import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { ledgerTemplateRules, type BusEnvelope } from '@ledger/bus';
import {
  createLedgerStorage,
  ledgerTables,
  tableDefinitions,
  type LedgerStorage,
} from '@ledger/event-store/aws';
import { ensureTables, startDynamoDbLocal, type RunningDynamoDbLocal } from '@ledger/local-engine';
import { startLocalBus, type RunningLocalBus } from '@ledger/local-bus';
import { replayAdapters } from '@ledger/replay/aws';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { DEFAULT_WAIT_MS, waitUntil } from '@ledger/testing';
import { signFor } from '@ledger/webhooks';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import Stripe from 'stripe';
import {
  invokeBundle,
  stageBundles,
  startFakeAwsEndpoint,
  parameterDefaults,
  templateFunctions,
  type FakeAwsEndpoint,
  type TemplateFunction,
} from './support/lambda-bundles';
import { EventsStreamReader } from './support/stream-events';

/**
 * Each function of template.yaml invoked from its bundle (`npm run bundle`), in a fresh `node`
 * process per invocation (a cold start), with the events AWS hands it: API Gateway HTTP API
 * (payload 2.0) requests, DynamoDB stream batches read from DynamoDB Local's own stream, the
 * replay worker's invocation as the API made it, the scheduler's event and an EventBridge event
 * the local bus routed. Around them run what AWS provides: DynamoDB Local, the local bus
 * (EventBridge), the sandbox gateway, and a small endpoint answering SSM GetParameter and
 * Lambda Invoke, the two AWS services with no local engine here (no SDK is mocked).
 */

const STACK = 'ledger-e2e';
const REGION = 'us-east-1';
const CONFIG_PARAMETER = '/ledger/e2e/config';
const DEVELOPMENT_PARAMETER = '/ledger/e2e/development-config';
const TENANT_KEY = `e2e-tenant-${randomBytes(12).toString('hex')}`;
const OPERATOR_KEY = `e2e-operator-${randomBytes(12).toString('hex')}`;
const GATEWAY_KEY = `e2e-gateway-${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const STRIPE_SECRET = `whsec_${randomBytes(24).toString('hex')}`;
const REPLAY_WORKER = `${STACK}-replay-worker`;
const subscriberBus =
  ledgerTemplateRules().find((rule) => rule.targets.includes('PaymentReceiptsFunction'))
    ?.eventBusName ?? 'default';

/** A production-shaped configuration, as an operator stores it in SSM (docs/deploy.md). */
function deployedConfig(gatewayUrl: string): string {
  return [
    'environment: production',
    'tenants:',
    '  - id: acme',
    `    apiKeys: ['${TENANT_KEY}']`,
    '    gateway:',
    '      kind: sandbox',
    `      baseUrl: '${gatewayUrl}'`,
    `      apiKey: '${GATEWAY_KEY}'`,
    '      webhookProvider: sandbox',
    'operators:',
    '  - id: ops',
    `    apiKeys: ['${OPERATOR_KEY}']`,
    'providers:',
    '  - name: sandbox',
    '    tenant: acme',
    '    scheme: standard-webhooks',
    `    secrets: ['${WEBHOOK_SECRET}']`,
    // Stripe events, read by the correlator with the stripe interpreter this document names.
    '  - name: stripe-acme',
    '    tenant: acme',
    '    scheme: stripe',
    '    interpreter: stripe',
    `    secrets: ['${STRIPE_SECRET}']`,
    'api:',
    `  cursorKey: '${randomBytes(24).toString('hex')}'`,
    'payments:',
    '  sweeper:',
    '    olderThanSeconds: 30',
    '    maxPerRun: 20',
    '',
  ].join('\n');
}

interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** An API Gateway HTTP API request, payload format 2.0, as it reaches the function. */
function httpApiEvent(
  method: string,
  path: string,
  options: { headers?: IncomingHttpHeaders | Record<string, string>; body?: string } = {},
): Record<string, unknown> {
  const [rawPath, rawQueryString = ''] = path.split('?');
  const now = new Date();
  const headers: Record<string, string> = {
    host: 'e2e.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'lambda-bundles-e2e',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = [value].flat().join(',');
  }
  if (options.body !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'e2e',
      domainName: headers.host,
      domainPrefix: 'e2e',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: headers['user-agent'],
      },
      requestId: randomBytes(8).toString('hex'),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(options.body !== undefined && { body: options.body, isBase64Encoded: false }),
  };
}

/**
 * A request to the API function's URL (the WebhookBaseUrl output), as Lambda hands it over: the
 * same payload format 2.0, with the URL's host and id where API Gateway puts its own, `$default`
 * as route key and stage (a function URL has neither), `anonymous` as the caller's account (auth
 * type NONE: no authorizer) and Lambda's own TLS and trace headers. A JSON body comes as text.
 */
function functionUrlEvent(
  method: string,
  path: string,
  options: { headers?: IncomingHttpHeaders | Record<string, string>; body?: string } = {},
): Record<string, unknown> {
  const urlId = 'e2eurlid0123456789abcdefghijklm';
  const host = `${urlId}.lambda-url.us-east-1.on.aws`;
  const now = new Date();
  const headers: Record<string, string> = {
    host,
    'user-agent': 'lambda-bundles-e2e',
    'x-amzn-tls-version': 'TLSv1.3',
    'x-amzn-tls-cipher-suite': 'TLS_AES_128_GCM_SHA256',
    'x-amzn-trace-id': `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = [value].flat().join(',');
  }
  const [rawPath, rawQueryString = ''] = path.split('?');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: urlId,
      domainName: host,
      domainPrefix: urlId,
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: headers['user-agent'],
      },
      requestId: randomBytes(16).toString('hex'),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(options.body !== undefined && { body: options.body }),
    isBase64Encoded: false,
  };
}

const json = (result: HttpResult): Record<string, unknown> =>
  JSON.parse(result.body) as Record<string, unknown>;

/** What the sandbox gateway posted to the provider's webhook URL: the bytes and headers sent. */
interface CapturedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('the bundled Lambda handlers, invoked as AWS invokes them', () => {
  const functions = templateFunctions();
  const fn = (logicalId: string): TemplateFunction => {
    const found = functions.find((candidate) => candidate.logicalId === logicalId);
    if (found === undefined) throw new Error(`template.yaml has no ${logicalId}`);
    return found;
  };
  const prefix = `bundles-${randomBytes(3).toString('hex')}-`;
  let staged: ReturnType<typeof stageBundles>;
  let engine: RunningDynamoDbLocal;
  let storage: LedgerStorage;
  let stream: EventsStreamReader;
  let bus: RunningLocalBus;
  let sandbox: RunningSandboxGateway;
  let aws: FakeAwsEndpoint;
  let webhookSink: Server;
  const webhooks: CapturedWebhook[] = [];
  const busEvents: BusEnvelope[] = [];
  const loadTimes: Record<string, number> = {};

  beforeAll(async () => {
    staged = stageBundles(functions);
    engine = await startDynamoDbLocal();
    storage = createLedgerStorage({ endpoint: engine.endpoint, tablePrefix: prefix });
    await ensureTables(storage.dynamoDb, tableDefinitions(ledgerTables(prefix)));
    stream = new EventsStreamReader(storage, engine.endpoint, REGION);
    webhookSink = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        webhooks.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhookSink.listen(0, '127.0.0.1', resolve));
    const sinkPort = (webhookSink.address() as AddressInfo).port;
    sandbox = await startSandboxGateway({
      apiKey: GATEWAY_KEY,
      webhook: { url: `http://127.0.0.1:${sinkPort}/webhooks/sandbox`, secret: WEBHOOK_SECRET },
      faults: { retryAfterSeconds: 0 },
    });
    bus = await startLocalBus({
      rules: ledgerTemplateRules(),
      targets: [
        {
          name: 'PaymentReceiptsFunction',
          handle: (event) => {
            busEvents.push(event);
            return Promise.resolve();
          },
        },
      ],
    });
    aws = await startFakeAwsEndpoint({
      [CONFIG_PARAMETER]: deployedConfig(sandbox.url),
      [DEVELOPMENT_PARAMETER]: readFileSync(join(__dirname, '..', 'ledger.config.yaml'), 'utf8'),
    });
  }, 120_000);

  afterAll(async () => {
    stream?.close();
    storage?.dynamoDb.destroy();
    await bus?.stop();
    await sandbox?.stop();
    await aws?.stop();
    await new Promise((resolve) => webhookSink?.close(resolve));
    await engine?.stop();
    staged?.remove();
    // The cold starts measured here (load of the bundle only, on a shared machine).
    console.log(`bundle load times (ms): ${JSON.stringify(loadTimes)}`);
  });

  /** The environment template.yaml gives `logicalId`, its references resolved to the local twins. */
  function environmentOf(logicalId: string, overrides: Record<string, string>) {
    const queueUrl = (queue: string) => `${aws.url}/000000000000/${queue}`;
    const resolve = (ref: string): string =>
      ({
        ...parameterDefaults(),
        LedgerConfigParameter: CONFIG_PARAMETER,
        ReplayWorkerFunction: REPLAY_WORKER,
        EventsTable: `${prefix}events`,
        IdempotencyTable: `${prefix}idempotency`,
        ReadModelsTable: `${prefix}read-models`,
        MetaTable: `${prefix}meta`,
        'PaymentReceiptsFunctionPaymentOutcomes.Arn': `arn:aws:events:${REGION}:000000000000:rule/${subscriberBus}/${STACK}-PaymentOutcomes`,
        LogLevel: 'warn',
        'AWS::StackName': STACK,
        'AWS::Region': REGION,
        'AWS::AccountId': '000000000000',
      })[ref] ?? (/Queue$/.test(ref.split('.')[0]) ? queueUrl(ref.split('.')[0]) : ref);
    const valueOf = (value: unknown): string => {
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      const {
        '!Ref': ref,
        '!GetAtt': att,
        '!Sub': sub,
        '!If': choice,
      } = value as Record<string, unknown>;
      if (typeof ref === 'string') return resolve(ref);
      // The template's conditions all hold with its defaults: the first branch.
      if (Array.isArray(choice)) return valueOf(choice[1]);
      if (att !== undefined) return resolve([att as string | string[]].flat().join('.'));
      return String(sub).replace(/\$\{([^}]+)\}/g, (_match, name: string) => resolve(name));
    };
    const variables = Object.fromEntries(
      Object.entries(fn(logicalId).environment).map(([name, value]) => [name, valueOf(value)]),
    );
    // Integration events go to the bus the subscriber's rule listens on, as in the stack.
    if ('EVENT_BUS_NAME' in variables) variables.EVENT_BUS_NAME = subscriberBus;
    return {
      // What the Lambda runtime sets.
      AWS_LAMBDA_FUNCTION_NAME: `${STACK}-${logicalId}`,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'e2e',
      AWS_SECRET_ACCESS_KEY: 'e2e',
      ...variables,
      // Where this test's twins of the AWS services listen.
      DYNAMODB_ENDPOINT: engine.endpoint,
      EVENTBRIDGE_ENDPOINT: bus.url,
      AWS_ENDPOINT_URL_SSM: aws.url,
      AWS_ENDPOINT_URL_LAMBDA: aws.url,
      AWS_ENDPOINT_URL_SQS: aws.url,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...overrides,
    };
  }

  async function invoke<R>(
    logicalId: string,
    events: unknown[],
    overrides: Record<string, string> = {},
  ): Promise<R[]> {
    const invocation = await invokeBundle<R>(
      staged.taskRoots[logicalId],
      fn(logicalId),
      environmentOf(logicalId, overrides),
      events,
    );
    loadTimes[logicalId] ??= Math.round(invocation.loadMs);
    return invocation.results;
  }

  const api = (events: unknown[]) => invoke<HttpResult>('ApiFunction', events);
  const consume = async (logicalId: string): Promise<DynamoDBBatchResponse> => {
    const batch = await stream.nextBatch(logicalId);
    expect(batch.Records.length).toBeGreaterThan(0);
    const [response] = await invoke<DynamoDBBatchResponse>(logicalId, [batch]);
    return response;
  };
  const asTenant = { authorization: `Bearer ${TENANT_KEY}`, 'content-type': 'application/json' };
  const createPayment = (amount: number, key: string) =>
    httpApiEvent('POST', '/payments', {
      headers: { ...asTenant, 'idempotency-key': key },
      body: JSON.stringify({ amount, currency: 'EUR', orderId: key }),
    });
  const eventTypes = async (paymentId: string): Promise<string[]> =>
    (await storage.eventStore.readStream(`acme#payment#${paymentId}`)).events.map((e) => e.type);

  let paid: { paymentId: string };
  let stuck: { paymentId: string; status: string };

  describe('ApiFunction over HTTP API (payload 2.0) events', () => {
    it('reads its configuration from SSM and answers /health and the OpenAPI pages', async () => {
      const [health, docs, stylesheet] = await api([
        httpApiEvent('GET', '/health'),
        httpApiEvent('GET', '/docs/json'),
        // A swagger-ui file of the /docs page, served from beside the bundle.
        httpApiEvent('GET', '/docs/swagger-ui.css'),
      ]);

      expect(aws.parameterReads).toContain(CONFIG_PARAMETER);
      expect(health.statusCode).toBe(200);
      expect(json(health)).toMatchObject({ status: 'ok' });
      expect(docs.statusCode).toBe(200);
      expect(json(docs)).toMatchObject({ info: { title: 'Integration Ledger' } });
      expect(stylesheet.statusCode).toBe(200);
      expect(stylesheet.headers['content-type']).toMatch(/^text\/css/);
    });

    it('refuses to start on the development configuration', async () => {
      await expect(
        invoke('ApiFunction', [httpApiEvent('GET', '/health')], {
          LEDGER_CONFIG_PARAMETER: DEVELOPMENT_PARAMETER,
        }),
      ).rejects.toThrow(/development configuration/);
    });

    it('takes payments, one of them left without an outcome while the gateway fails', async () => {
      sandbox.setFaults({ serverErrorRate: 1 });
      const [unanswered] = await api([createPayment(1500, 'bundles-stuck')]);
      sandbox.setFaults({ serverErrorRate: 0 });
      const [created] = await api([createPayment(4200, 'bundles-paid')]);

      expect(created.statusCode).toBe(201);
      expect(json(created)).toMatchObject({ status: 'succeeded' });
      stuck = json(unanswered) as typeof stuck;
      expect(stuck.status).toMatch(/^(outcome_unknown|requested|processing)$/);
      paid = json(created) as typeof paid;
      expect(await eventTypes(paid.paymentId)).toContain('PaymentSucceeded');
    });
  });

  describe('ProjectorFunction over a DynamoDB stream batch', () => {
    it('writes the read model the API then serves', async () => {
      const response = await consume('ProjectorFunction');
      const [view] = await api([
        httpApiEvent('GET', `/payments/${paid.paymentId}`, { headers: asTenant }),
      ]);

      expect(response.batchItemFailures).toEqual([]);
      expect(view.statusCode).toBe(200);
      expect(json(view)).toMatchObject({ paymentId: paid.paymentId, status: 'succeeded' });
    });
  });

  describe('the gateway’s webhook through ApiFunction, then CorrelatorFunction', () => {
    it('acknowledges the signed delivery and links it to its payment', async () => {
      await waitUntil(() => webhooks.some((w) => w.body.includes(paid.paymentId)), {
        what: "the sandbox's webhook for the payment",
      });
      const webhook = webhooks.find((w) => w.body.includes(paid.paymentId)) as CapturedWebhook;

      const [ack] = await api([
        httpApiEvent('POST', '/webhooks/sandbox', { headers: webhook.headers, body: webhook.body }),
      ]);
      const response = await consume('CorrelatorFunction');

      expect(ack.statusCode).toBe(200);
      expect(response.batchItemFailures).toEqual([]);
      // The payment succeeded from the gateway's answer first: the webhook changed nothing.
      expect(await eventTypes(paid.paymentId)).toContain('WebhookLinked');
    });

    it('takes a signed delivery through the function URL (WebhookBaseUrl) the same way', async () => {
      const webhook = webhooks.find((w) => w.body.includes(paid.paymentId)) as CapturedWebhook;
      const deliveryId = `msg_furl_${randomBytes(6).toString('hex')}`;
      const headers = {
        'content-type': 'application/json',
        ...signFor('standard-webhooks', WEBHOOK_SECRET, webhook.body, { id: deliveryId }),
      };

      const [ack, unsigned] = await api([
        functionUrlEvent('POST', '/webhooks/sandbox', { headers, body: webhook.body }),
        functionUrlEvent('POST', '/webhooks/sandbox', {
          headers: { 'content-type': 'application/json' },
          body: webhook.body,
        }),
      ]);
      const response = await consume('CorrelatorFunction');

      expect(ack.statusCode).toBe(200);
      expect(json(ack)).toMatchObject({ received: true, duplicate: false });
      expect(unsigned.statusCode).toBe(400);
      expect(json(unsigned)).toMatchObject({ code: 'missing_signature_headers' });
      expect(response.batchItemFailures).toEqual([]);
      const { events } = await storage.eventStore.readStream(`acme#payment#${paid.paymentId}`);
      expect(
        events.some((e) => e.type === 'WebhookLinked' && e.data.deliveryId === deliveryId),
      ).toBe(true);
    });
  });

  describe('a Stripe event through ApiFunction, then CorrelatorFunction (interpreter from SSM)', () => {
    it('concludes the payment the event names, read with the stripe interpreter', async () => {
      sandbox.setFaults({ serverErrorRate: 1 });
      const [unanswered] = await api([createPayment(1800, 'bundles-stripe')]);
      sandbox.setFaults({ serverErrorRate: 0 });
      const { paymentId } = json(unanswered) as { paymentId: string };
      // A Stripe event object as Stripe sends it, signed by the official package's helper.
      const body = JSON.stringify({
        id: 'evt_bundles_stripe_1',
        object: 'event',
        api_version: '2024-06-20',
        created: Math.floor(Date.now() / 1000),
        data: {
          object: {
            id: 'pi_bundles_stripe_1',
            object: 'payment_intent',
            amount: 1800,
            amount_received: 1800,
            currency: 'eur',
            metadata: { ledger_payment_id: paymentId, ledger_tenant_id: 'acme' },
            status: 'succeeded',
          },
        },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: 'payment_intent.succeeded',
      });
      const headers = {
        'content-type': 'application/json',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({
          payload: body,
          secret: STRIPE_SECRET,
        }),
      };
      const before = await eventTypes(paymentId);

      const [ack] = await api([httpApiEvent('POST', '/webhooks/stripe-acme', { headers, body })]);
      const readsBefore = aws.parameterReads.length;
      const response = await consume('CorrelatorFunction');
      const { events } = await storage.eventStore.readStream(`acme#payment#${paymentId}`);

      expect(unanswered.statusCode).toBeLessThan(300);
      expect(before).not.toContain('PaymentSucceeded');
      expect(ack.statusCode).toBe(200);
      expect(response.batchItemFailures).toEqual([]);
      // The correlator's cold start read the configuration parameter (and nothing else from SSM).
      expect(aws.parameterReads.slice(readsBefore)).toEqual([CONFIG_PARAMETER]);
      // One event: the success the delivery caused, carrying its link.
      const succeeded = events.filter((e) => e.type === 'PaymentSucceeded');
      expect(succeeded).toHaveLength(1);
      expect(succeeded[0].data).toMatchObject({
        webhook: {
          provider: 'stripe-acme',
          deliveryId: 'evt_bundles_stripe_1',
          intent: 'payment_succeeded',
        },
      });
    });
  });

  describe('PublisherFunction over a DynamoDB stream batch, then PaymentReceiptsFunction', () => {
    it('puts the integration events on the bus, and the subscriber issues a receipt', async () => {
      const response = await consume('PublisherFunction');
      await waitUntil(
        () =>
          busEvents.some(
            (e) =>
              e['detail-type'] === 'payment.succeeded' &&
              (e.detail as { paymentId?: string }).paymentId === paid.paymentId,
          ),
        { what: 'payment.succeeded on the local bus' },
      );
      const published = busEvents.find(
        (e) => (e.detail as { paymentId?: string }).paymentId === paid.paymentId,
      ) as BusEnvelope;

      await invoke('PaymentReceiptsFunction', [published]);
      const receipts = await storage.dynamoDb.send(
        new QueryCommand({
          TableName: storage.tables.readModels,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `receipts#acme#${paid.paymentId}` } },
        }),
      );

      expect(response.batchItemFailures).toEqual([]);
      expect(receipts.Items).toHaveLength(1);
    });
  });

  describe('ReplayWorkerFunction over the invocation the API makes', () => {
    it('runs a rebuild started over POST /admin/replays to its end', async () => {
      const [started] = await api([
        httpApiEvent('POST', '/admin/replays', {
          headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'rebuild', tenantId: 'acme' }),
        }),
      ]);
      const { replayId } = json(started) as { replayId: string };
      const dispatched = aws.invocations.find((i) => i.functionName === REPLAY_WORKER);

      expect(started.statusCode).toBe(202);
      expect(dispatched).toMatchObject({ invocationType: 'Event', payload: { replayId } });
      const [outcome] = await invoke<{ replayId: string; outcome: string }>(
        'ReplayWorkerFunction',
        [dispatched?.payload],
      );
      const job = await replayAdapters(storage).jobs.get(replayId);

      expect(outcome).toMatchObject({ replayId });
      expect(job).toMatchObject({ status: 'completed' });
      expect(job?.processed).toBeGreaterThan(0);
    });
  });

  describe('PaymentSweeperFunction over a scheduled event', () => {
    it('settles the payment the gateway left unanswered once it is old enough', async () => {
      const scheduled = {
        version: '0',
        id: randomBytes(8).toString('hex'),
        'detail-type': 'Scheduled Event',
        source: 'aws.scheduler',
        account: '000000000000',
        time: new Date().toISOString(),
        region: REGION,
        resources: [`arn:aws:scheduler:${REGION}:000000000000:schedule/default/${STACK}`],
        detail: '{}',
      };
      // The sweeper leaves a payment alone for 30 s (the request lock); sweep until it is due.
      let settled = 0;
      await waitUntil(
        async () => {
          const [result] = await invoke<{ settled: number }>('PaymentSweeperFunction', [scheduled]);
          settled = result.settled;
          return settled > 0;
        },
        {
          what: 'a sweep that settles the payment',
          intervalMs: 2_000,
          timeoutMs: 3 * DEFAULT_WAIT_MS,
        },
      );

      expect(settled).toBe(1);
      expect(await eventTypes(stuck.paymentId)).toContain('PaymentSucceeded');
    });
  });
});
