import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type ScalarTag, type CollectionTag } from 'yaml';
import { ledgerTables, tableDefinitions } from '@ledger/event-store/aws';
import { deployedRuleName } from '@ledger/replay/aws';

// CloudFormation short-form intrinsics, read as plain values: the test compares shapes only.
const intrinsic = (tag: string): ScalarTag => ({
  tag,
  resolve: (value: string) => ({ [tag]: value }),
});
const intrinsicSeq = (tag: string): CollectionTag => ({
  tag,
  collection: 'seq',
  resolve: (value) => ({ [tag]: value.toJSON() as unknown }),
});
const template = parse(readFileSync(join(__dirname, '..', 'template.yaml'), 'utf8'), {
  customTags: [intrinsic('!Ref'), intrinsic('!Sub'), intrinsic('!GetAtt'), intrinsicSeq('!GetAtt')],
}) as {
  Parameters: Record<string, { Type: string; Default?: unknown; AllowedPattern?: string }>;
  Globals: { Function: { Environment?: { Variables?: Record<string, unknown> } } };
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};

interface FunctionProperties {
  Handler?: string;
  Environment?: { Variables?: Record<string, unknown> };
  Policies?: unknown[];
  Events?: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

const resources = Object.values(template.Resources);

describe('template.yaml', () => {
  describe('when its tables are compared with the ones the code creates locally', () => {
    it('declares the same keys, indexes and stream for every table', () => {
      const local = tableDefinitions(ledgerTables('${TablePrefix}'));
      const deployed = resources
        .filter((r) => r.Type === 'AWS::DynamoDB::Table')
        .map((r) => r.Properties);

      for (const definition of local) {
        const twin = deployed.find(
          (p) => (p.TableName as Record<string, string>)['!Sub'] === definition.TableName,
        );
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
        if (definition.StreamSpecification) {
          expect(twin?.StreamSpecification).toEqual({
            StreamViewType: definition.StreamSpecification.StreamViewType,
          });
        }
      }
    });
  });

  describe('when the IAM policy is read', () => {
    it('never lets the ledger update or delete an event', () => {
      const policy = resources.find((r) => r.Type === 'AWS::IAM::ManagedPolicy');
      const statements = (
        policy?.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }
      ).Statement;
      const onEvents = statements.filter((s) => JSON.stringify(s.Resource).includes('EventsTable'));

      expect(onEvents.length).toBeGreaterThan(0);
      for (const statement of onEvents) {
        const actions = [statement.Action].flat() as string[];
        expect(actions).not.toEqual(
          expect.arrayContaining([
            expect.stringMatching(/UpdateItem|DeleteItem|BatchWriteItem|\*/),
          ]),
        );
      }
    });
  });

  describe('when its EventBridge rules are read', () => {
    it('deploys each one under the name republish looks its targets up by', () => {
      const rules = Object.entries(template.Resources).flatMap(([logicalId, resource]) =>
        Object.entries(((resource.Properties ?? {}) as FunctionProperties).Events ?? {})
          .filter(([, event]) => event.Type === 'EventBridgeRule')
          .map(([eventName, event]) => ({ name: `${logicalId}.${eventName}`, event })),
      );

      expect(rules.length).toBeGreaterThan(0);
      for (const { name, event } of rules) {
        expect(event.Properties.RuleName).toEqual({
          '!Sub': deployedRuleName('${AWS::StackName}', name),
        });
      }
    });
  });

  describe('when the replay functions are read', () => {
    it('hands admin-API replays to a worker that may run 15 minutes', () => {
      const api = template.Resources.ApiFunction.Properties as FunctionProperties;
      const worker = template.Resources.ReplayWorkerFunction.Properties as FunctionProperties;

      expect(api.Environment?.Variables?.REPLAY_WORKER_FUNCTION).toEqual({
        '!Ref': 'ReplayWorkerFunction',
      });
      expect(worker.Handler).toBe('dist/apps/api/src/replay-worker.lambda.handler');
      expect(template.Resources.ReplayWorkerFunction.Properties.Timeout).toBe(900);
    });
  });

  describe('when the payment sweeper is read', () => {
    it('runs the sweeper handler on a schedule, alone, with the ledger data policy', () => {
      const sweeper = template.Resources.PaymentSweeperFunction?.Properties as
        | (FunctionProperties & { ReservedConcurrentExecutions?: number; Policies?: unknown[] })
        | undefined;
      const schedules = Object.values(sweeper?.Events ?? {}).filter(
        (event) => event.Type === 'ScheduleV2' || event.Type === 'Schedule',
      );

      expect(sweeper?.Handler).toBe('dist/apps/api/src/payment-sweeper.lambda.handler');
      expect(existsSync(join(__dirname, '..', 'apps/api/src/payment-sweeper.lambda.ts'))).toBe(
        true,
      );
      expect(schedules).toHaveLength(1);
      expect(schedules[0]?.Properties.ScheduleExpression).toMatch(/^rate\(\d+ minutes?\)$/);
      expect(sweeper?.ReservedConcurrentExecutions).toBe(1);
      expect(sweeper?.Policies).toContainEqual({ '!Ref': 'LedgerDataPolicy' });
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
    const configured = ['ApiFunction', 'PaymentSweeperFunction'];

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
        const statements = (fn?.Policies ?? []).flatMap(
          (policy) => (policy as { Statement?: Array<Record<string, unknown>> }).Statement ?? [],
        );
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
  });

  describe('when the runtime is read', () => {
    it('targets nodejs22.x or newer', () => {
      const runtime = (template as unknown as { Globals: { Function: { Runtime: string } } })
        .Globals.Function.Runtime;

      expect(Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1])).toBeGreaterThanOrEqual(22);
    });
  });
});
