import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  buildApiDependencies,
  composePaymentSweeper,
  composeReplayWorker,
  createApiApp,
} from '@ledger/api-app';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { parseLedgerConfig, readLedgerEnv, type LedgerConfig } from '@ledger/config';
import { InMemoryParameterSource } from '@ledger/config/in-memory';
import { DynamoDbEventStore, toEventItem, type LedgerStorage } from '@ledger/event-store/aws';
import { decodePaymentEvent, handleCommand, paymentDecider, paymentStreamId } from '@ledger/ledger';
import { startLocalBus, type RunningLocalBus } from '@ledger/local-bus';
import { createLogger } from '@ledger/observability';
import { HttpPaymentGateway, TenantGateways } from '@ledger/outbound';
import { createReceiptsHandler, DynamoDbReceiptStore } from '@ledger/payment-receipts';
import { PaymentProjector } from '@ledger/projections';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import { workOnReplay, type ReplayJob } from '@ledger/replay';
import { replayAdapters } from '@ledger/replay/aws';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { composeConsumerLambda } from '@ledger/stream-processor-app';
import type { BusEnvelope } from '@ledger/bus';
import { createLambdaStreamHandler } from '@ledger/stream-consumer/aws';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { signFor } from '@ledger/webhooks';
import { ulid } from 'ulid';
import { stringify } from 'yaml';
import { functions, grantsOf } from './support/template';

// Each deployed function's code, composed by its own root on DynamoDB Local, with every request
// its client sends recorded as (table or index, IAM action); each must be allowed by the role
// template.yaml gives that function; so is every SSM parameter and Secrets Manager secret a
// function's root reads (through the in-memory parameter source: neither service has a local
// engine). What a role grants beyond this is checked, action by action, in template.unit.spec.ts.

/** One DynamoDB request as IAM authorises it. */
interface Access {
  /** The template's resource key: `EventsTable`, `ReadModelsTable/index/gsi1`... */
  resource: string;
  action: string;
  /** The partition keys written (for a role limited to some leading keys). */
  keys: string[];
}

/** The IAM action of each item of a TransactWriteItems request. */
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/** The IAM action of a command: `PutItemCommand` and the document client's `PutCommand` alike. */
const ACTION_OF: Record<string, string> = {
  Put: 'PutItem',
  Get: 'GetItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchWrite: 'BatchWriteItem',
  BatchGet: 'BatchGetItem',
};

type Input = Record<string, unknown> & {
  TableName?: string;
  IndexName?: string;
  Item?: Record<string, unknown>;
  TransactItems?: Array<Record<string, { TableName: string; Item?: Record<string, unknown> }>>;
  RequestItems?: Record<string, unknown>;
};

const pkOf = (item: Record<string, unknown> | undefined): string[] => {
  const pk = item?.pk as string | { S?: string } | undefined;
  const value = typeof pk === 'string' ? pk : pk?.S;
  return value === undefined ? [] : [value];
};

function accessesOf(commandName: string, input: Input, tables: Map<string, string>): Access[] {
  const resource = (table: string, index?: string): string => {
    const logicalId = tables.get(table) ?? `unknown table ${table}`;
    return index === undefined ? logicalId : `${logicalId}/index/${index}`;
  };
  const name = commandName.replace(/Command$/, '');
  if (name === 'TransactWriteItems' || name === 'TransactWrite') {
    return (input.TransactItems ?? []).flatMap((item) =>
      Object.entries(item).map(([kind, request]) => ({
        resource: resource(request.TableName),
        action: TRANSACT_ACTIONS[kind] ?? kind,
        keys: pkOf(request.Item),
      })),
    );
  }
  if (['BatchWriteItem', 'BatchWrite', 'BatchGetItem', 'BatchGet'].includes(name)) {
    const action = name.startsWith('BatchWrite') ? 'BatchWriteItem' : 'BatchGetItem';
    return Object.keys(input.RequestItems ?? {}).map((table) => ({
      resource: resource(table),
      action,
      keys: [],
    }));
  }
  return [
    {
      resource: resource(String(input.TableName), input.IndexName),
      action: ACTION_OF[name] ?? name,
      keys: pkOf(input.Item),
    },
  ];
}

/** Records every request `client` sends (the document clients built on it share its stack). */
function recordAccesses(client: DynamoDBClient, tables: Map<string, string>): Access[] {
  const accesses: Access[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      accesses.push(...accessesOf(context.commandName ?? '', args.input as Input, tables));
      return next(args);
    },
    { step: 'initialize', name: 'iamAccessRecorder' },
  );
  return accesses;
}

/** The accesses `role` does not allow, as `<resource> <action>`. */
function deniedTo(role: string, accesses: readonly Access[]): string[] {
  const grants = grantsOf(role);
  const denied = accesses
    .filter(({ resource, action }) => !(grants[resource] ?? []).includes(`dynamodb:${action}`))
    .map(({ resource, action }) => `${resource} ${action}`);
  return [...new Set(denied)];
}

/**
 * The reads of parameters and secrets (`ssm:<name>`, `secretsmanager:<id>`) `role` does not
 * allow, the configuration parameter being the stack's `LedgerConfigParameter`.
 */
function deniedReadsTo(role: string, reads: ReadonlyMap<string, number>): string[] {
  const grants = grantsOf(role);
  const allowed = (read: string): boolean => {
    if (read === `ssm:${CONFIG_PARAMETER}`) {
      return (grants['ssm:parameter${LedgerConfigParameter}'] ?? []).includes('ssm:GetParameter');
    }
    if (read.startsWith(`secretsmanager:${SECRETS_PREFIX}`)) {
      return (grants['secretsmanager:secret:${LedgerSecretsPrefix}*'] ?? []).includes(
        'secretsmanager:GetSecretValue',
      );
    }
    return false;
  };
  return [...reads.keys()].filter((read) => !allowed(read));
}

/** The environment variables template.yaml gives the function `logicalId`. */
function templateVariables(logicalId: string): Record<string, unknown> {
  return functions.find((fn) => fn.logicalId === logicalId)?.Environment?.Variables ?? {};
}

const CONFIG_PARAMETER = '/ledger/iam/config';
/** The stack parameter LedgerSecretsPrefix's default. */
const SECRETS_PREFIX = 'ledger/';
const GATEWAY_KEY = 'sandbox-iam-key-not-real';
const ACME = { authorization: 'Bearer iam-key-acme-000000' };
const ACME_ADMIN = { authorization: 'Bearer iam-admin-key-acme-00' };
const WEBHOOK_SECRET = 'iam-secret-not-real';
/** The configuration as deployed in SSM, every key and secret a Secrets Manager reference. */
const deployedDocument = {
  environment: 'production',
  tenants: [
    {
      id: 'acme',
      apiKeys: [`secretsmanager:${SECRETS_PREFIX}iam-api-key`],
      gateway: { kind: 'sandbox', baseUrl: 'https://gateway.example.com', apiKey: 'env:UNSET' },
    },
  ],
  providers: [
    {
      name: 'sandbox',
      tenant: 'acme',
      scheme: 'hmac-sha256',
      secrets: [`secretsmanager:${SECRETS_PREFIX}iam-webhooks`],
    },
  ],
};
const silent = createLogger('silent');

describe('what each function does to DynamoDB, against its role in template.yaml', () => {
  let ledger: TestLedger;
  let accesses: Access[];
  let sandbox: RunningSandboxGateway;
  let bus: RunningLocalBus;
  let config: LedgerConfig;
  let gateways: TenantGateways;
  let paymentId: string;
  let replayId: string;
  const published: BusEnvelope[] = [];

  /**
   * The test ledger's storage with an event store of its own, as a fresh function process has:
   * the store registers each day's time-index bucket once per process, before its first append.
   */
  function processStorage(): LedgerStorage {
    return {
      ...ledger.storage,
      eventStore: new DynamoDbEventStore({ client: ledger.client, tables: ledger.tables }),
    };
  }

  /** Every event so far, as a stream batch of INSERT records in the store's global order. */
  async function streamBatch(): Promise<DynamoDBStreamEvent> {
    const Records: DynamoDBStreamEvent['Records'] = [];
    for await (const event of ledger.store.readAll()) {
      Records.push({
        eventName: 'INSERT',
        dynamodb: {
          SequenceNumber: String(1000 + Records.length),
          NewImage: toEventItem(event) as never,
        },
      });
    }
    return { Records };
  }

  /**
   * Runs a consumer's function over every event, composed as its Lambda handler composes it, in
   * the environment template.yaml gives it; returns what it read from SSM and Secrets Manager.
   */
  async function runConsumer(
    name: string,
    logicalId: string,
  ): Promise<ReadonlyMap<string, number>> {
    const configured = 'LEDGER_CONFIG_PARAMETER' in templateVariables(logicalId);
    const env = readLedgerEnv({
      AWS_LAMBDA_FUNCTION_NAME: logicalId,
      EVENTBRIDGE_ENDPOINT: bus.url,
      LOG_LEVEL: 'silent',
      ...(configured && { LEDGER_CONFIG_PARAMETER: CONFIG_PARAMETER }),
    });
    // The deployed configuration: its keys and secrets references to Secrets Manager.
    const parameters = new InMemoryParameterSource(
      { [CONFIG_PARAMETER]: stringify(deployedDocument) },
      {
        [`${SECRETS_PREFIX}iam-api-key`]: ACME.authorization.slice('Bearer '.length),
        [`${SECRETS_PREFIX}iam-webhooks`]: WEBHOOK_SECRET,
      },
    );
    const root = await composeConsumerLambda(name, env, processStorage(), parameters);
    const handler = createLambdaStreamHandler(root.consumer, root.parkingLot, {
      upcasters: root.upcasters,
    });
    try {
      const batch = await streamBatch();
      accesses.length = 0;
      const response = await handler(batch);
      // What the driver does with a record that keeps failing: park it.
      const { events } = await ledger.store.readStream(paymentStreamId('acme', paymentId));
      await root.parkingLot.park({
        consumer: root.consumer.name,
        event: events[0],
        attempts: 5,
        error: 'a record that kept failing',
        parkedAt: new Date().toISOString(),
      });

      expect(response.batchItemFailures).toEqual([]);
    } finally {
      await root.close();
    }
    return parameters.reads;
  }

  beforeAll(async () => {
    ledger = await createTestLedger('iam-access');
    accesses = recordAccesses(
      ledger.client,
      new Map([
        [ledger.tables.events, 'EventsTable'],
        [ledger.tables.idempotency, 'IdempotencyTable'],
        [ledger.tables.readModels, 'ReadModelsTable'],
        [ledger.tables.meta, 'MetaTable'],
      ]),
    );
    sandbox = await startSandboxGateway({ port: 0, apiKey: GATEWAY_KEY });
    bus = await startLocalBus({
      rules: [
        {
          name: 'all',
          eventBusName: 'default',
          pattern: { source: ['integration-ledger'] },
          targets: ['Recorder'],
        },
      ],
      targets: [{ name: 'Recorder', handle: async (event) => void published.push(event) }],
    });
    config = parseLedgerConfig({
      tenants: [
        {
          id: 'acme',
          apiKeys: [ACME.authorization.slice('Bearer '.length)],
          adminKeys: [ACME_ADMIN.authorization.slice('Bearer '.length)],
          gateway: { kind: 'sandbox', baseUrl: sandbox.url, apiKey: GATEWAY_KEY },
        },
      ],
      providers: [
        { name: 'sandbox', tenant: 'acme', scheme: 'hmac-sha256', secrets: [WEBHOOK_SECRET] },
      ],
    });
    gateways = new TenantGateways(
      new Map([['acme', new HttpPaymentGateway({ baseUrl: sandbox.url, apiKey: GATEWAY_KEY })]]),
    );
    // A payment left requested, for the sweeper to find.
    await handleCommand(
      ledger.store,
      paymentDecider,
      decodePaymentEvent,
      paymentStreamId('acme', 'pay_left_requested'),
      {
        type: 'RequestPayment',
        data: { paymentId: 'pay_left_requested', amount: 700, currency: 'EUR' },
        metadata: { now: '2026-01-01T00:00:00.000Z', tenantId: 'acme' },
      },
    );
  });

  afterAll(async () => {
    await bus.stop();
    await sandbox.stop();
    await ledger.close();
  });

  describe('when the API serves every kind of request (ApiFunction)', () => {
    it('uses only what ApiRole allows', async () => {
      const eventBridge = createEventBridgeClient(bus.url);
      const deps = buildApiDependencies({
        config,
        storage: processStorage(),
        logger: silent,
        gateways,
        eventBridge,
        // As in AWS: replays are handed to the worker (below).
        replays: { dispatch: () => Promise.resolve() },
      });
      const app: NestFastifyApplication = await createApiApp(deps);
      const post = (url: string, payload: object, headers: object = ACME, key = url) =>
        app.inject({
          method: 'POST',
          url,
          headers: { ...headers, 'idempotency-key': key, 'content-type': 'application/json' },
          payload,
        });
      const webhook = (body: string, secret = WEBHOOK_SECRET) =>
        app.inject({
          method: 'POST',
          url: '/webhooks/sandbox',
          headers: { 'content-type': 'application/json', ...signFor('hmac-sha256', secret, body) },
          payload: body,
        });
      try {
        accesses.length = 0;

        const created = await post('/payments', { amount: 1250, currency: 'EUR' }, ACME, 'p-1');
        paymentId = created.json<{ paymentId: string }>().paymentId;
        const again = await post('/payments', { amount: 1250, currency: 'EUR' }, ACME, 'p-1');
        const refund = await post(`/payments/${paymentId}/refunds`, { amount: 100 }, ACME, 'r-1');
        const reconcile = await post(`/payments/${paymentId}/reconcile`, {}, ACME, 'c-1');
        const delivery = JSON.stringify({
          id: 'evt_iam_1',
          type: 'payment.succeeded',
          data: { paymentId },
        });
        const received = await webhook(delivery);
        const duplicate = await webhook(delivery);
        const unknown = await webhook(
          JSON.stringify({
            id: 'evt_iam_2',
            type: 'payment.succeeded',
            data: { paymentId: 'pay_x' },
          }),
        );
        const rejected = await webhook(delivery, 'not-the-secret');
        const reads = await Promise.all(
          [`/payments/${paymentId}`, `/payments/${paymentId}/history`, '/payments?limit=5'].map(
            (url) => app.inject({ method: 'GET', url, headers: ACME }),
          ),
        );
        const replay = await post('/admin/replays', { kind: 'rebuild' }, ACME_ADMIN, 'a-1');
        replayId = replay.json<{ replayId: string }>().replayId;
        const progress = await app.inject({
          method: 'GET',
          url: `/admin/replays/${replayId}`,
          headers: ACME_ADMIN,
        });
        const health = await app.inject({ method: 'GET', url: '/health' });
        // The console's operations page: consumers, parked records, the recent replay jobs.
        const signedIn = await app.inject({
          method: 'POST',
          url: '/console/sign-in',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({
            apiKey: ACME_ADMIN.authorization.slice('Bearer '.length),
          }).toString(),
        });
        const session = String(signedIn.headers['set-cookie']).split(';')[0];
        const operations = await app.inject({
          method: 'GET',
          url: '/console/operations',
          headers: { cookie: session },
        });
        // The console's deliveries page reads the tenant's recent events through the time index.
        const deliveries = await app.inject({
          method: 'GET',
          url: '/console/deliveries',
          headers: { cookie: session },
        });

        expect([created, again, refund].map((r) => r.statusCode)).toEqual([201, 201, 201]);
        expect(reconcile.statusCode).toBeLessThan(300);
        expect([received, duplicate, unknown].map((r) => r.statusCode)).toEqual([200, 200, 200]);
        expect(rejected.statusCode).toBe(401);
        expect(reads.map((r) => r.statusCode)).toEqual([404, 200, 200]);
        expect([replay.statusCode, progress.statusCode]).toEqual([202, 200]);
        expect(health.statusCode).toBe(200);
        expect(operations.statusCode).toBe(200);
        expect(operations.body).toContain(replayId);
        expect(deliveries.statusCode).toBe(200);
        expect(accesses.length).toBeGreaterThan(0);
        expect(deniedTo('ApiRole', accesses)).toEqual([]);
      } finally {
        await app.close();
        eventBridge.destroy();
      }
    });
  });

  describe.each([
    ['correlator', 'CorrelatorFunction', 'CorrelatorRole', [`ssm:${CONFIG_PARAMETER}`]],
    ['projector', 'ProjectorFunction', 'ProjectorRole', []],
    ['publisher', 'PublisherFunction', 'PublisherRole', []],
  ])('when the %s function handles the stream', (name, logicalId, role, expectedReads) => {
    it(`uses only what ${role} allows`, async () => {
      const reads = await runConsumer(name, logicalId);

      expect(accesses.length).toBeGreaterThan(0);
      expect(deniedTo(role, accesses)).toEqual([]);
      expect([...reads.keys()]).toEqual(expectedReads);
      expect(deniedReadsTo(role, reads)).toEqual([]);
    });
  });

  describe('when the payment sweeper settles what is left (PaymentSweeperFunction)', () => {
    it('uses only what PaymentSweeperRole allows', async () => {
      const sweeper = composePaymentSweeper({
        config,
        storage: processStorage(),
        logger: silent,
        gateways,
        clock: () => new Date(Date.now() + 86_400_000),
      });
      accesses.length = 0;

      const result = await sweeper.sweep(60_000);

      expect(result.examined).toBeGreaterThanOrEqual(1);
      expect(accesses.length).toBeGreaterThan(0);
      expect(deniedTo('PaymentSweeperRole', accesses)).toEqual([]);
    });
  });

  describe('when the replay worker runs the jobs the API handed it (ReplayWorkerFunction)', () => {
    /**
     * The worker composed as its Lambda handler composes it, in the environment template.yaml
     * gives it, on the deployed configuration: the tenant's gateway key in Secrets Manager.
     */
    function composeWorker() {
      const configured = 'LEDGER_CONFIG_PARAMETER' in templateVariables('ReplayWorkerFunction');
      const env = readLedgerEnv({
        AWS_LAMBDA_FUNCTION_NAME: 'ReplayWorkerFunction',
        LOG_LEVEL: 'silent',
        ...(configured && { LEDGER_CONFIG_PARAMETER: CONFIG_PARAMETER }),
      });
      const [tenant] = deployedDocument.tenants;
      const document = {
        ...deployedDocument,
        tenants: [
          {
            ...tenant,
            gateway: {
              kind: 'sandbox',
              baseUrl: sandbox.url,
              apiKey: `secretsmanager:${SECRETS_PREFIX}iam-gateway-key`,
            },
          },
        ],
      };
      const parameters = new InMemoryParameterSource(
        { [CONFIG_PARAMETER]: stringify(document) },
        {
          [`${SECRETS_PREFIX}iam-api-key`]: ACME.authorization.slice('Bearer '.length),
          [`${SECRETS_PREFIX}iam-gateway-key`]: GATEWAY_KEY,
          [`${SECRETS_PREFIX}iam-webhooks`]: WEBHOOK_SECRET,
        },
      );
      return { parameters, root: composeReplayWorker(env, processStorage(), parameters) };
    }

    /** One invocation of the worker on `id`, as its handler makes it. */
    const invocation = (root: Awaited<ReturnType<typeof composeReplayWorker>>, id: string) =>
      workOnReplay(
        { ...root.dependencies, owner: `invocation-${id}`, continueLater: () => Promise.resolve() },
        id,
        () => 900_000,
        60_000,
      );

    it('runs a rebuild with only what ReplayWorkerRole allows', async () => {
      const { parameters, root: composed } = composeWorker();
      const root = await composed;
      try {
        accesses.length = 0;

        const outcome = await invocation(root, replayId);

        expect(outcome).toBe('completed');
        expect(deniedTo('ReplayWorkerRole', accesses)).toEqual([]);
        expect(deniedReadsTo('ReplayWorkerRole', parameters.reads)).toEqual([]);
      } finally {
        await root.close();
      }
    });

    it('settles the payments of a reconcile job through the gateway, with only what ReplayWorkerRole allows', async () => {
      // A payment whose answer was lost (outcome_unknown) and that the sandbox charged, projected.
      const streamId = paymentStreamId('acme', 'pay_left_unknown');
      const metadata = { now: new Date(Date.now() - 60_000).toISOString(), tenantId: 'acme' };
      await handleCommand(ledger.store, paymentDecider, decodePaymentEvent, streamId, {
        type: 'RequestPayment',
        data: { paymentId: 'pay_left_unknown', amount: 900, currency: 'EUR' },
        metadata,
      });
      await handleCommand(ledger.store, paymentDecider, decodePaymentEvent, streamId, {
        type: 'ConcludeCharge',
        data: { outcome: 'unknown', reason: 'timeout', source: 'gateway_response' },
        metadata,
      });
      const charged = await fetch(`${sandbox.url}/v1/charges`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${GATEWAY_KEY}`,
          'idempotency-key': 'acme:pay_left_unknown:charge',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ paymentId: 'pay_left_unknown', amount: 900, currency: 'EUR' }),
      });
      await charged.body?.cancel();
      const projector = new PaymentProjector(
        ledger.store,
        projectionAdapters(ledger.storage).documentsOf(FIRST_GENERATION),
      );
      for (const event of (await ledger.store.readStream(streamId)).events) {
        await projector.handle(event);
      }
      const now = new Date().toISOString();
      const job: ReplayJob = {
        replayId: ulid(),
        kind: 'reconcile',
        scope: { tenantId: 'acme' },
        status: 'running',
        dryRun: false,
        reconcile: {
          statuses: ['outcome_unknown'],
          updatedBefore: now,
          olderThanSeconds: 0,
          concurrency: 1,
        },
        processed: 0,
        startedAt: now,
        updatedAt: now,
      };
      await replayAdapters(ledger.storage).jobs.create(job);
      const { parameters, root: composed } = composeWorker();
      const root = await composed;
      try {
        accesses.length = 0;

        const outcome = await invocation(root, job.replayId);

        const { events } = await ledger.store.readStream(streamId);
        expect(charged.status).toBe(201);
        expect(outcome).toBe('completed');
        expect(events.at(-1)?.type).toBe('PaymentSucceeded');
        expect(deniedTo('ReplayWorkerRole', accesses)).toEqual([]);
        expect([...parameters.reads.keys()].sort()).toEqual([
          `secretsmanager:${SECRETS_PREFIX}iam-api-key`,
          `secretsmanager:${SECRETS_PREFIX}iam-gateway-key`,
          `secretsmanager:${SECRETS_PREFIX}iam-webhooks`,
          `ssm:${CONFIG_PARAMETER}`,
        ]);
        expect(deniedReadsTo('ReplayWorkerRole', parameters.reads)).toEqual([]);
      } finally {
        await root.close();
      }
    });
  });

  describe('when the example subscriber receives what the publisher published', () => {
    it('writes only its own receipts, as PaymentReceiptsRole allows', async () => {
      const handle = createReceiptsHandler(
        new DynamoDbReceiptStore(ledger.client, ledger.tables.readModels),
      );
      const outcome = published.find((event) => event['detail-type'] === 'payment.succeeded');
      accesses.length = 0;

      await handle(outcome as never);

      expect(accesses.length).toBeGreaterThan(0);
      expect(deniedTo('PaymentReceiptsRole', accesses)).toEqual([]);
      for (const { keys } of accesses) {
        for (const key of keys) expect(key).toMatch(/^receipts#/);
      }
    });
  });
});
