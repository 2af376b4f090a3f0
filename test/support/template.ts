/** template.yaml read for the specs that check it: its resources, functions and roles' grants. */
import { join } from 'node:path';
import { readCloudFormationTemplate } from '@ledger/testing';

/** template.yaml, its short-form intrinsics read as `{ '!Ref': … }` and so on. */
export const template = readCloudFormationTemplate<{
  Parameters: Record<string, { Type: string; Default?: unknown; AllowedPattern?: string }>;
  Globals: { Function: { Environment?: { Variables?: Record<string, unknown> } } };
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Value: unknown }>;
}>(join(__dirname, '..', '..', 'template.yaml'));

export interface FunctionProperties {
  CodeUri?: string;
  Handler?: string;
  FunctionName?: unknown;
  Role?: unknown;
  ReservedConcurrentExecutions?: unknown;
  Environment?: { Variables?: Record<string, unknown> };
  Policies?: unknown[];
  Events?: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

export const resources = Object.values(template.Resources);

export const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Every function of the template, with its logical id. */
export const functions = Object.entries(template.Resources)
  .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
  .map(([logicalId, resource]) => ({ logicalId, ...(resource.Properties as FunctionProperties) }));

/** The role a function runs with: `Role: !GetAtt <Role>.Arn`. */
export function roleOf(fn: FunctionProperties): string | undefined {
  const role = fn.Role as { '!GetAtt'?: string } | undefined;
  return role?.['!GetAtt']?.replace(/\.Arn$/, '');
}

/** Every statement a role holds: its inline policies and the role policies attached to it. */
export function statementsOf(roleId: string): Statement[] {
  const role = template.Resources[roleId];
  const inline = (
    (role?.Properties.Policies ?? []) as Array<{
      PolicyDocument: { Statement: Statement[] };
    }>
  ).flatMap((policy) => policy.PolicyDocument.Statement);
  const attached = resources
    .filter(
      (r) => r.Type === 'AWS::IAM::RolePolicy' && equal(r.Properties.RoleName, { '!Ref': roleId }),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

const ARN_PREFIX = /^arn:\$\{AWS::Partition\}:([a-z-]+):\$\{AWS::Region\}:\$\{AWS::AccountId\}:/;

/**
 * A statement's resource as a short readable key: `EventsTable` (its ARN), `EventsTable/stream`
 * (its stream's ARN), `EventsTable/index/time-index`, `ssm:parameter${LedgerConfigParameter}`,
 * `bus` (the integration bus, created or named), `*`.
 */
export function resourceKey(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const value = resource as Record<string, unknown>;
  if (typeof value['!GetAtt'] === 'string') {
    const [logicalId, attribute] = value['!GetAtt'].split('.');
    return attribute === 'StreamArn' ? `${logicalId}/stream` : String(logicalId);
  }
  if (typeof value['!Sub'] === 'string') {
    return value['!Sub']
      .replace(/^\$\{(\w+)\.Arn\}/, '$1')
      .replace(ARN_PREFIX, (_whole, service: string) => `${service}:`);
  }
  if (equal(value['!If'], BUS_ARN['!If'])) return 'bus';
  return JSON.stringify(resource);
}

/** What a role may do: for each resource key, the sorted actions allowed on it. */
export function grantsOf(roleId: string): Record<string, string[]> {
  const grants: Record<string, Set<string>> = {};
  for (const statement of statementsOf(roleId)) {
    if (statement.Effect !== 'Allow')
      throw new Error(`${roleId} has a statement that is not Allow`);
    for (const resource of [statement.Resource].flat()) {
      const key = resourceKey(resource);
      grants[key] ??= new Set();
      for (const action of [statement.Action].flat()) grants[key].add(action);
    }
  }
  return Object.fromEntries(
    Object.entries(grants).map(([key, actions]) => [key, [...actions].sort()]),
  );
}

/** The integration bus: the one the stack creates, or the one EventBusName names. */
export const BUS_NAME = {
  '!If': ['CreateEventBus', { '!Ref': 'IntegrationEventBus' }, { '!Ref': 'EventBusName' }],
};
export const BUS_ARN = {
  '!If': [
    'CreateEventBus',
    { '!GetAtt': 'IntegrationEventBus.Arn' },
    {
      '!Sub':
        'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}',
    },
  ],
};
