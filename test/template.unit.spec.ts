import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ledgerTables, tableDefinitions } from '@ledger/event-store/aws';
import {
  BUS_ARN,
  BUS_NAME,
  equal,
  functions,
  grantsOf,
  resourceKey,
  resources,
  roleOf,
  statementsOf,
  template,
  type FunctionProperties,
  type Statement,
} from './support/template';

/** The compiled source each function's bundle is made from (`npm run bundle`). */
const bundleEntries = JSON.parse(
  readFileSync(join(__dirname, '..', 'scripts', 'lambda-entries.json'), 'utf8'),
) as Record<string, string>;

interface AlarmProperties {
  MetricName: string;
  Dimensions: Array<{ Name: string; Value: unknown }>;
  AlarmActions: unknown[];
}

/**
 * How Lambda's Node.js runtime reads a `Handler`: the module is everything up to the first dot
 * after the last slash, the export is the rest. `dir/file.lambda.handler` is module `dir/file`
 * with an export called `lambda.handler`, which is how a handler fails to load in AWS only.
 */
function lambdaHandlerParts(handler: string): { module: string; exportName: string } {
  const dot = handler.indexOf('.', handler.lastIndexOf('/'));
  return { module: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

describe('template.yaml', () => {
  describe('when its tables are compared with the ones the code creates locally', () => {
    // Each table's name, locally `<prefix><name>`, here the logical id of its twin.
    const twins = ledgerTables('', {
      events: 'EventsTable',
      idempotency: 'IdempotencyTable',
      readModels: 'ReadModelsTable',
      meta: 'MetaTable',
    });

    it('declares the same keys, indexes and stream for every table', () => {
      for (const definition of tableDefinitions(twins)) {
        const twin = template.Resources[String(definition.TableName)]?.Properties;
        expect(twin).toBeDefined();
        expect(twin?.KeySchema).toEqual(definition.KeySchema);
        expect(new Set(twin?.AttributeDefinitions as unknown[])).toEqual(
          new Set(definition.AttributeDefinitions),
        );
        expect(
          (twin?.GlobalSecondaryIndexes as Array<{ IndexName: string }> | undefined)?.map(
            (i) => i.IndexName,
          ),
        ).toEqual(definition.GlobalSecondaryIndexes?.map((i) => i.IndexName));
        // What an index copies is cost and what its readers can see: the same on both sides.
        expect(
          (
            twin?.GlobalSecondaryIndexes as
              Array<{ Projection: Record<string, unknown> }> | undefined
          )?.map((i) => i.Projection),
        ).toEqual(definition.GlobalSecondaryIndexes?.map((i) => i.Projection));
        if (definition.StreamSpecification) {
          expect(twin?.StreamSpecification).toEqual({
            StreamViewType: definition.StreamSpecification.StreamViewType,
          });
        }
      }
    });
  });

  describe('when the tables’ names are read', () => {
    it('lets CloudFormation name every table and gives each function their names', () => {
      const tables = Object.entries(template.Resources).filter(
        ([, resource]) => resource.Type === 'AWS::DynamoDB::Table',
      );

      expect(tables).toHaveLength(4);
      for (const [, table] of tables) expect(table.Properties).not.toHaveProperty('TableName');
      expect(template.Globals.Function.Environment?.Variables).toMatchObject({
        EVENTS_TABLE: { '!Ref': 'EventsTable' },
        IDEMPOTENCY_TABLE: { '!Ref': 'IdempotencyTable' },
        READ_MODELS_TABLE: { '!Ref': 'ReadModelsTable' },
        META_TABLE: { '!Ref': 'MetaTable' },
      });
      expect(template.Globals.Function.Environment?.Variables).not.toHaveProperty('TABLE_PREFIX');
      // What the CLI's operator commands need against a stack.
      expect(template.Outputs).toMatchObject({
        EventsTableName: { Value: { '!Ref': 'EventsTable' } },
        IdempotencyTableName: { Value: { '!Ref': 'IdempotencyTable' } },
        ReadModelsTableName: { Value: { '!Ref': 'ReadModelsTable' } },
        MetaTableName: { Value: { '!Ref': 'MetaTable' } },
      });
    });
  });

  describe('when its EventBridge rules are read', () => {
    const rules = Object.entries(template.Resources).flatMap(([logicalId, resource]) =>
      Object.entries(((resource.Properties ?? {}) as FunctionProperties).Events ?? {})
        .filter(([, event]) => event.Type === 'EventBridgeRule')
        .map(([eventName, event]) => ({
          name: `${logicalId}.${eventName}`,
          // SAM's logical id of the AWS::Events::Rule it generates for the event.
          ruleId: `${logicalId}${eventName}`,
          event,
        })),
    );

    it('lets CloudFormation name each rule and puts it on the integration bus', () => {
      expect(rules.length).toBeGreaterThan(0);
      for (const { event } of rules) {
        expect(event.Properties).not.toHaveProperty('RuleName');
        expect(event.Properties.EventBusName).toEqual(BUS_NAME);
      }
    });

    it('gives republish (the replay worker, the stack output) every rule’s deployed ARN', () => {
      const worker = template.Resources.ReplayWorkerFunction?.Properties as FunctionProperties;
      const expected = {
        '!Sub': rules.map(({ name, ruleId }) => `${name}=\${${ruleId}.Arn}`).join(','),
      };

      expect(worker.Environment?.Variables?.LEDGER_RULE_ARNS).toEqual(expected);
      expect(template.Outputs.LedgerRuleArns?.Value).toEqual(expected);
      expect(grantsOf('ReplayWorkerRole')).toMatchObject(
        Object.fromEntries(rules.map(({ ruleId }) => [ruleId, ['events:ListTargetsByRule']])),
      );
    });

    it('lets only the subscriber rule send to its dead-letter queue', () => {
      const policy = resources.find((r) => r.Type === 'AWS::SQS::QueuePolicy');
      const [statement] = (policy?.Properties.PolicyDocument as { Statement: Statement[] })
        .Statement;

      expect(statement?.Condition).toEqual({
        ArnEquals: { 'aws:SourceArn': { '!GetAtt': 'PaymentReceiptsFunctionPaymentOutcomes.Arn' } },
      });
    });
  });

  describe('when the integration bus is read', () => {
    it('creates a bus named after the stack unless EventBusName names one', () => {
      expect(template.Parameters.EventBusName?.Default).toBe('');
      expect(template.Resources.IntegrationEventBus).toMatchObject({
        Type: 'AWS::Events::EventBus',
        Condition: 'CreateEventBus',
        Properties: { Name: { '!Sub': '${AWS::StackName}-integration-events' } },
      });
    });

    it('publishes, routes and archives on that one bus', () => {
      const publisher = template.Resources.PublisherFunction?.Properties as FunctionProperties;

      expect(publisher.Environment?.Variables?.EVENT_BUS_NAME).toEqual(BUS_NAME);
      expect(grantsOf('PublisherRole').bus).toEqual(['events:PutEvents']);
      expect(template.Resources.IntegrationEventsArchive?.Properties.SourceArn).toEqual(BUS_ARN);
    });
  });

  describe('when every function’s role is read', () => {
    it.each(functions.map((fn) => [fn.logicalId, fn]))(
      '%s runs with a role of its own, under a name CloudFormation generates',
      (logicalId, fn) => {
        const role = roleOf(fn);
        const others = functions.filter((other) => other.logicalId !== logicalId).map(roleOf);

        expect(role).toBeDefined();
        expect(template.Resources[String(role)]?.Type).toBe('AWS::IAM::Role');
        expect(others).not.toContain(role);
        expect(fn.Policies).toBeUndefined();
        expect(fn.FunctionName).toBeUndefined();
      },
    );

    it.each(functions.map((fn) => [fn.logicalId, roleOf(fn)]))(
      '%s can neither change nor remove an event',
      (_logicalId, role) => {
        const onEvents = statementsOf(String(role)).filter((statement) =>
          [statement.Resource].flat().some((resource) => resourceKey(resource) === 'EventsTable'),
        );

        for (const statement of onEvents) {
          expect([statement.Action].flat()).not.toEqual(
            expect.arrayContaining([
              expect.stringMatching(/UpdateItem|DeleteItem|BatchWriteItem|PartiQL|\*/),
            ]),
          );
        }
      },
    );

    it.each(functions.map((fn) => [fn.logicalId, roleOf(fn)]))(
      '%s has no DynamoDB or stream action on every resource (`*`)',
      (_logicalId, role) => {
        const grants = grantsOf(String(role));

        expect(grants['*'] ?? []).not.toEqual(
          expect.arrayContaining([expect.stringMatching(/^dynamodb:|^sqs:|^lambda:/)]),
        );
        for (const [resource, actions] of Object.entries(grants)) {
          if (
            actions.some((action) =>
              /^dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams)$/.test(action),
            )
          ) {
            expect(resource).toMatch(/^EventsTable\/stream/);
          }
        }
      },
    );

    const trace = { '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] };
    const streamReads = {
      'EventsTable/stream': [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
      ],
      'EventsTable/stream/*': ['dynamodb:ListStreams'],
    };
    const configuration = {
      'ssm:parameter${LedgerConfigParameter}': ['ssm:GetParameter'],
      'secretsmanager:secret:${LedgerSecretsPrefix}*': ['secretsmanager:GetSecretValue'],
    };
    const logs = (group: string) => ({ [group]: ['logs:CreateLogStream', 'logs:PutLogEvents'] });

    // What each composition root uses (docs/deploy.md, "What each function may do"), and no more.
    it.each<[string, string, Record<string, string[]>]>([
      [
        'ApiFunction',
        'ApiRole',
        {
          EventsTable: [
            'dynamodb:BatchGetItem',
            'dynamodb:DescribeTable',
            'dynamodb:PutItem',
            'dynamodb:Query',
          ],
          'EventsTable/index/time-index': ['dynamodb:Query'],
          IdempotencyTable: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          ReadModelsTable: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
          'ReadModelsTable/index/gsi1': ['dynamodb:Query'],
          'ReadModelsTable/index/unsettled': ['dynamodb:Query'],
          MetaTable: [
            'dynamodb:BatchGetItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            'dynamodb:UpdateItem',
          ],
          ReplayWorkerFunction: ['lambda:InvokeFunction'],
          ...configuration,
          ...logs('ApiLogGroup'),
          '*': ['events:TestEventPattern', ...trace['*']],
        },
      ],
      [
        'PaymentSweeperFunction',
        'PaymentSweeperRole',
        {
          EventsTable: ['dynamodb:PutItem', 'dynamodb:Query'],
          'ReadModelsTable/index/unsettled': ['dynamodb:Query'],
          MetaTable: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          ...configuration,
          ...logs('PaymentSweeperLogGroup'),
          ...trace,
        },
      ],
      [
        'ReplayWorkerFunction',
        'ReplayWorkerRole',
        {
          // Reconcile jobs append the gateway's answers; replays only read.
          EventsTable: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
          'EventsTable/index/time-index': ['dynamodb:Query'],
          ReadModelsTable: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          'ReadModelsTable/index/unsettled': ['dynamodb:Query'],
          MetaTable: [
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            'dynamodb:UpdateItem',
          ],
          PaymentReceiptsFunctionPaymentOutcomes: ['events:ListTargetsByRule'],
          PaymentReceiptsFunction: ['lambda:InvokeFunction'],
          ReplayWorkerFunction: ['lambda:InvokeFunction'],
          ReplayWorkerDeadLetterQueue: ['sqs:SendMessage'],
          // The tenants' gateway accounts for reconcile jobs, as the charger reads them.
          ...configuration,
          ...logs('ReplayWorkerLogGroup'),
          ...trace,
        },
      ],
      [
        'CorrelatorFunction',
        'CorrelatorRole',
        {
          ...streamReads,
          EventsTable: ['dynamodb:PutItem', 'dynamodb:Query'],
          MetaTable: [
            'dynamodb:BatchGetItem',
            'dynamodb:DeleteItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
          ],
          StreamConsumersDeadLetterQueue: ['sqs:SendMessage'],
          // The configuration document, for its providers' interpreters: no secret.
          'ssm:parameter${LedgerConfigParameter}': ['ssm:GetParameter'],
          ...logs('CorrelatorLogGroup'),
          ...trace,
        },
      ],
      [
        'ChargerFunction',
        'ChargerRole',
        {
          ...streamReads,
          EventsTable: ['dynamodb:PutItem', 'dynamodb:Query'],
          MetaTable: [
            'dynamodb:DeleteItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
          ],
          StreamConsumersDeadLetterQueue: ['sqs:SendMessage'],
          // The tenants' gateway accounts, as the API reads them.
          'ssm:parameter${LedgerConfigParameter}': ['ssm:GetParameter'],
          'secretsmanager:secret:${LedgerSecretsPrefix}*': ['secretsmanager:GetSecretValue'],
          ...logs('ChargerLogGroup'),
          ...trace,
        },
      ],
      [
        'ProjectorFunction',
        'ProjectorRole',
        {
          ...streamReads,
          EventsTable: ['dynamodb:Query'],
          ReadModelsTable: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
          MetaTable: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          StreamConsumersDeadLetterQueue: ['sqs:SendMessage'],
          ...logs('ProjectorLogGroup'),
          ...trace,
        },
      ],
      [
        'PublisherFunction',
        'PublisherRole',
        {
          ...streamReads,
          EventsTable: ['dynamodb:Query'],
          MetaTable: ['dynamodb:PutItem'],
          bus: ['events:PutEvents'],
          PublisherDeadLetterQueue: ['sqs:SendMessage'],
          StreamConsumersDeadLetterQueue: ['sqs:SendMessage'],
          ...logs('PublisherLogGroup'),
          ...trace,
        },
      ],
      [
        'PaymentReceiptsFunction',
        'PaymentReceiptsRole',
        {
          ReadModelsTable: ['dynamodb:PutItem'],
          ...logs('PaymentReceiptsLogGroup'),
          ...trace,
        },
      ],
    ])('lets %s (%s) do exactly what it uses', (logicalId, role, expected) => {
      const fn = functions.find((f) => f.logicalId === logicalId);

      expect(fn && roleOf(fn)).toBe(role);
      expect(grantsOf(role)).toEqual(expected);
    });

    it('lets the API probe the bus as /health does (TestEventPattern)', () => {
      expect(grantsOf('ApiRole')['*']).toContain('events:TestEventPattern');
    });

    it('lets the example subscriber write its own receipts only', () => {
      const [write] = statementsOf('PaymentReceiptsRole').filter((s) =>
        [s.Action].flat().includes('dynamodb:PutItem'),
      );

      expect(write?.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['receipts#*'] },
      });
    });
  });

  describe('when its reserved concurrency is read', () => {
    const reserved = (logicalId: string): unknown =>
      (template.Resources[logicalId]?.Properties as FunctionProperties)
        .ReservedConcurrentExecutions;

    it('caps the API by a parameter, so a webhook flood leaves the consumers theirs', () => {
      expect(reserved('ApiFunction')).toEqual({ '!Ref': 'ApiReservedConcurrency' });
      expect(template.Parameters.ApiReservedConcurrency?.Default).toBe(400);
    });

    it.each(['CorrelatorFunction', 'ProjectorFunction', 'PublisherFunction', 'ChargerFunction'])(
      'reserves concurrency for the consumer %s',
      (logicalId) => {
        expect(reserved(logicalId)).toEqual({ '!Ref': 'ConsumerReservedConcurrency' });
      },
    );

    it('leaves the account’s unreserved pool at least 100 with the defaults (account default 1,000)', () => {
      const value = (v: unknown): number =>
        typeof v === 'number'
          ? v
          : Number(template.Parameters[(v as { '!Ref': string })['!Ref']]?.Default);
      const total = functions.reduce((sum, fn) => sum + value(fn.ReservedConcurrentExecutions), 0);

      expect(functions.every((fn) => fn.ReservedConcurrentExecutions !== undefined)).toBe(true);
      expect(1000 - total).toBeGreaterThanOrEqual(100);
    });
  });

  describe('when the webhook ingress is read (the API function’s URL)', () => {
    const api = template.Resources.ApiFunction?.Properties as FunctionProperties & {
      FunctionUrlConfig?: unknown;
    };

    it('gives the API function a public URL: a webhook is authenticated by its signature', () => {
      // A literal NONE (not an intrinsic) is what makes SAM add the URL's two permissions:
      // lambda:InvokeFunctionUrl on the condition lambda:FunctionUrlAuthType NONE, and
      // lambda:InvokeFunction on the condition InvokedViaFunctionUrl (required since October 2025).
      expect(api.FunctionUrlConfig).toEqual({ AuthType: 'NONE' });
    });

    it('gives no other function a URL', () => {
      const withUrl = Object.entries(template.Resources)
        .filter(([, resource]) => resource.Properties?.FunctionUrlConfig !== undefined)
        .map(([logicalId]) => logicalId);

      expect(withUrl).toEqual(['ApiFunction']);
    });

    it('grants nothing public beyond what the URL itself needs', () => {
      const publicGrants = Object.entries(template.Resources).filter(
        ([, resource]) =>
          resource.Type === 'AWS::Lambda::Permission' && resource.Properties.Principal === '*',
      );

      expect(publicGrants).toEqual([]);
    });

    it('tells the deployer where to point the providers: <url>webhooks/<provider>', () => {
      expect(template.Outputs.WebhookBaseUrl?.Value).toEqual({
        '!Sub': '${ApiFunctionUrl.FunctionUrl}webhooks/',
      });
    });

    it('keeps the HTTP API for payments and admin, and the API’s concurrency cap for both ways in', () => {
      expect(api.Events?.Any).toMatchObject({ Type: 'HttpApi', Properties: { Path: '/{proxy+}' } });
      expect(api.ReservedConcurrentExecutions).toEqual({ '!Ref': 'ApiReservedConcurrency' });
    });
  });

  describe('when every function’s handler is read as the Lambda runtime reads it', () => {
    it.each(functions.map((fn) => [fn.logicalId, fn.CodeUri, fn.Handler ?? '']))(
      '%s names a bundle of its own and a plain export of its index module',
      (_logicalId, codeUri, handler) => {
        const { module, exportName } = lambdaHandlerParts(handler);

        expect(codeUri).toMatch(/^dist\/lambda\/[a-z][a-z0-9-]*$/);
        expect(module).toBe('index');
        expect(exportName).toMatch(/^[A-Za-z_$][\w$]*$/);
      },
    );

    it('gives no two functions the same bundle directory', () => {
      const codeUris = functions.map((fn) => fn.CodeUri);

      expect(new Set(codeUris).size).toBe(codeUris.length);
    });

    it('reads a file name with a dot the way the runtime fails on it', () => {
      expect(lambdaHandlerParts('dist/apps/api/src/replay-worker.lambda.handler')).toEqual({
        module: 'dist/apps/api/src/replay-worker',
        exportName: 'lambda.handler',
      });
    });
  });

  describe('when the bundles’ entries are read (scripts/lambda-entries.json)', () => {
    it('names an entry for every function of the template and for nothing else', () => {
      expect(Object.keys(bundleEntries).sort()).toEqual(functions.map((fn) => fn.logicalId).sort());
    });

    it.each(Object.entries(bundleEntries))(
      '%s is bundled from a source file that exports the handler',
      (_logicalId, source) => {
        const path = join(__dirname, '..', source);

        expect(existsSync(path)).toBe(true);
        expect(readFileSync(path, 'utf8')).toMatch(
          /^export (const|async function|function) handler\b/m,
        );
      },
    );
  });

  describe('when the stream consumers are read', () => {
    const mappings = functions.flatMap((fn) =>
      Object.values(fn.Events ?? {})
        .filter((event) => event.Type === 'DynamoDB')
        .map((event) => ({ consumer: fn.Environment?.Variables?.CONSUMER_NAME, event })),
    );

    // A payment's events are items of their own; only one batch at a time per shard keeps
    // version n+1 behind version n, as the local poller does.
    it.each(['publisher', 'projector'])(
      'gives the order-keeping %s one batch per shard',
      (name) => {
        const mapping = mappings.find((m) => m.consumer === name);

        expect(mapping?.event.Properties.ParallelizationFactor).toBe(1);
      },
    );
  });

  describe('when its tables are read as stateful resources', () => {
    const tables = Object.entries(template.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::DynamoDB::Table',
    );

    it.each(tables.map(([logicalId]) => [logicalId]))(
      '%s survives a stack deletion (and, unless rebuildable, restores to a point in time)',
      (logicalId) => {
        const table = template.Resources[logicalId] as {
          DeletionPolicy?: string;
          Properties: Record<string, unknown>;
        };

        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.Properties.DeletionProtectionEnabled).toBe(true);
        // The read models are rebuilt from the events (a replay), so they need no backups of their own.
        if (logicalId !== 'ReadModelsTable') {
          expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
            PointInTimeRecoveryEnabled: true,
          });
        }
      },
    );
  });

  describe('when its alarms, queues and logs are read', () => {
    const alarms = resources
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties as Partial<AlarmProperties>);
    const alarmsOn = (metric: string, name: string, value: unknown) =>
      alarms.filter(
        (a) =>
          a.MetricName === metric &&
          (a.Dimensions ?? []).some((d) => d.Name === name && equal(d.Value, value)),
      );
    const queues = Object.entries(template.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::SQS::Queue',
    );

    it('pages the alarm topic from every alarm', () => {
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms) {
        expect(alarm.AlarmActions).toEqual([{ '!Ref': 'AlarmTopicArn' }]);
      }
    });

    it.each(functions.map((fn) => [fn.logicalId]))(
      'watches %s for errors and throttles, and keeps its logs for a bounded time',
      (logicalId) => {
        expect(alarmsOn('Errors', 'FunctionName', { '!Ref': logicalId })).toHaveLength(1);
        expect(alarmsOn('Throttles', 'FunctionName', { '!Ref': logicalId })).toHaveLength(1);
        const logGroups = resources.filter(
          (r) =>
            r.Type === 'AWS::Logs::LogGroup' &&
            equal(r.Properties.LogGroupName, { '!Sub': `/aws/lambda/\${${logicalId}}` }),
        );
        expect(logGroups).toHaveLength(1);
        expect(logGroups[0]?.Properties.RetentionInDays).toEqual({ '!Ref': 'LogRetentionDays' });
      },
    );

    it('watches every stream consumer for falling behind, and gives up on a record while the stream still holds it', () => {
      const consumers = functions.filter((fn) =>
        Object.values(fn.Events ?? {}).some((event) => event.Type === 'DynamoDB'),
      );

      expect(consumers.length).toBeGreaterThan(0);
      for (const consumer of consumers) {
        expect(
          alarmsOn('IteratorAge', 'FunctionName', { '!Ref': consumer.logicalId }),
        ).toHaveLength(1);
        for (const event of Object.values(consumer.Events ?? {})) {
          const age = event.Properties.MaximumRecordAgeInSeconds as number;
          // The stream keeps a record 24 h: what is given up on must be redrivable before that.
          expect(age).toBeLessThanOrEqual(43_200);
        }
      }
    });

    it.each(queues.map(([logicalId]) => [logicalId]))(
      'alarms on a message waiting in %s and keeps it 14 days',
      (logicalId) => {
        expect(
          alarmsOn('ApproximateNumberOfMessagesVisible', 'QueueName', {
            '!GetAtt': `${logicalId}.QueueName`,
          }),
        ).toHaveLength(1);
        expect(template.Resources[logicalId]?.Properties.MessageRetentionPeriod).toBe(1_209_600);
      },
    );

    it('sends what the subscriber rule cannot deliver to a queue of its own, not a default one', () => {
      const receipts = functions.find((fn) => fn.logicalId === 'PaymentReceiptsFunction');
      const rule = Object.values(receipts?.Events ?? {}).find((e) => e.Type === 'EventBridgeRule');

      expect(rule?.Properties.DeadLetterConfig).toEqual({
        Arn: { '!GetAtt': 'PaymentReceiptsRuleDeadLetterQueue.Arn' },
      });
    });

    it('watches the HTTP API for 5xx answers and slow requests', () => {
      expect(alarmsOn('5xx', 'ApiId', { '!Ref': 'HttpApi' })).toHaveLength(1);
      expect(alarmsOn('Latency', 'ApiId', { '!Ref': 'HttpApi' })).toHaveLength(1);
    });
  });

  describe('when the replay functions are read', () => {
    it('hands admin-API replays to a worker that may run 15 minutes', () => {
      const api = template.Resources.ApiFunction.Properties as FunctionProperties;

      expect(api.Environment?.Variables?.REPLAY_WORKER_FUNCTION).toEqual({
        '!Ref': 'ReplayWorkerFunction',
      });
      expect(bundleEntries.ReplayWorkerFunction).toBe('apps/api/src/functions/replay-worker.ts');
      expect(template.Resources.ReplayWorkerFunction.Properties.Timeout).toBe(900);
    });
  });

  describe('when the payment sweeper is read', () => {
    it('runs the sweeper handler on a schedule, alone, with a role of its own', () => {
      const sweeper = template.Resources.PaymentSweeperFunction?.Properties as
        | (FunctionProperties & { ReservedConcurrentExecutions?: number; Policies?: unknown[] })
        | undefined;
      const schedules = Object.values(sweeper?.Events ?? {}).filter(
        (event) => event.Type === 'ScheduleV2' || event.Type === 'Schedule',
      );

      expect(bundleEntries.PaymentSweeperFunction).toBe(
        'apps/api/src/functions/payment-sweeper.ts',
      );
      expect(schedules).toHaveLength(1);
      expect(schedules[0]?.Properties.ScheduleExpression).toMatch(/^rate\(\d+ minutes?\)$/);
      expect(sweeper?.ReservedConcurrentExecutions).toBe(1);
      expect(sweeper && roleOf(sweeper)).toBe('PaymentSweeperRole');
    });
  });

  describe('when its parameters are read', () => {
    it('has no default that could be a secret or a configuration inside the package', () => {
      const defaults = Object.entries(template.Parameters)
        .filter(([, parameter]) => parameter.Default !== undefined)
        .map(([name, parameter]) => [name, String(parameter.Default)] as const);

      expect(defaults.length).toBeGreaterThan(0);
      for (const [name, value] of defaults) {
        expect([name, value]).not.toEqual([
          expect.anything(),
          expect.stringMatching(/\/var\/task|\.ya?ml$|\.json$|^\.?\/|key|secret|whsec_|local-dev/i),
        ]);
        expect(name).not.toMatch(/key|secret$|password|token|path/i);
      }
    });

    it('names the configuration by an SSM parameter the deployer must give', () => {
      const parameter = template.Parameters.LedgerConfigParameter;

      expect(parameter?.Default).toBeUndefined();
      expect(new RegExp(parameter?.AllowedPattern ?? '^$').test('/ledger/prod/config')).toBe(true);
      expect(new RegExp(parameter?.AllowedPattern ?? '^$').test('ledger.config.yaml')).toBe(false);
    });
  });

  describe('when the functions that read the configuration are read', () => {
    const configured = [
      'ApiFunction',
      'PaymentSweeperFunction',
      'ReplayWorkerFunction',
      'CorrelatorFunction',
      'ChargerFunction',
    ];

    it('points no function at a configuration file in the package', () => {
      const environments = [
        template.Globals.Function.Environment?.Variables ?? {},
        ...resources
          .filter((r) => r.Type === 'AWS::Serverless::Function')
          .map((r) => (r.Properties as FunctionProperties).Environment?.Variables ?? {}),
      ];

      for (const variables of environments) expect(variables).not.toHaveProperty('LEDGER_CONFIG');
    });

    it.each(configured)(
      'gives %s the parameter name and leave to read that one parameter',
      (name) => {
        const fn = template.Resources[name]?.Properties as FunctionProperties | undefined;
        const statements = statementsOf(String(fn && roleOf(fn)));
        const reads = statements.filter((s) => [s.Action].flat().includes('ssm:GetParameter'));

        expect(fn?.Environment?.Variables?.LEDGER_CONFIG_PARAMETER).toEqual({
          '!Ref': 'LedgerConfigParameter',
        });
        expect(reads).toHaveLength(1);
        expect(String((reads[0]?.Resource as Record<string, string>)['!Sub'])).toMatch(
          /:parameter\$\{LedgerConfigParameter\}$/,
        );
      },
    );

    it('gives no other function the parameter name or leave to read it', () => {
      const others = functions.filter((fn) => !configured.includes(fn.logicalId));

      for (const fn of others) {
        const reads = statementsOf(String(roleOf(fn))).filter((s) =>
          [s.Action].flat().some((action) => action.startsWith('ssm:')),
        );
        expect(fn.Environment?.Variables ?? {}).not.toHaveProperty('LEDGER_CONFIG_PARAMETER');
        expect(reads).toEqual([]);
      }
    });

    it('lets the replay worker read the configuration and its secrets exactly as the charger does', () => {
      const configurationReads = (role: string) =>
        statementsOf(role)
          .filter((s) => [s.Action].flat().some((action) => /^(ssm|secretsmanager):/.test(action)))
          .map(({ Effect, Action, Resource, Condition }) => ({
            Effect,
            Action,
            Resource,
            Condition,
          }));

      const worker = configurationReads('ReplayWorkerRole');

      expect(worker).toHaveLength(2);
      expect(worker).toEqual(configurationReads('ChargerRole'));
    });

    it('lets the correlator read the configuration but none of its secrets', () => {
      const actions = statementsOf('CorrelatorRole').flatMap((s) => [s.Action].flat());

      expect(actions).toContain('ssm:GetParameter');
      expect(actions.filter((action) => /^(secretsmanager|kms):/.test(action))).toEqual([]);
    });
  });

  describe('when the runtime is read', () => {
    it('targets nodejs22.x or newer', () => {
      const runtime = (template as unknown as { Globals: { Function: { Runtime: string } } })
        .Globals.Function.Runtime;

      expect(Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1])).toBeGreaterThanOrEqual(22);
    });
  });
});

describe('what a webhook costs besides its writes (docs/deploy.md, "Cost")', () => {
  const globals = template.Globals.Function as Record<string, unknown>;

  it('traces the API only when the ApiTracing parameter says so, off by default', () => {
    expect(template.Resources.ApiFunction.Properties.Tracing).toEqual({ '!Ref': 'ApiTracing' });
    expect(template.Parameters.ApiTracing?.Default).toBe('PassThrough');
  });

  it("keeps Lambda's own START, END and REPORT lines out of the logs", () => {
    expect(globals.LoggingConfig).toEqual({ LogFormat: 'JSON', SystemLogLevel: 'WARN' });
  });
});
