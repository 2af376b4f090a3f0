import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ledger/config';
import { parse, type CollectionTag, type ScalarTag } from 'yaml';
import type { BusRule } from './bus-rule';

// CloudFormation short-form intrinsics, read as plain markers; routing needs none of their values.
const scalar = (tag: string): ScalarTag => ({
  tag,
  resolve: (value: string) => ({ [tag]: value }),
});
const sequence = (tag: string): CollectionTag => ({
  tag,
  collection: 'seq',
  resolve: (value) => ({ [tag]: value.toJSON() as unknown }),
});
const CFN_TAGS = ['!Ref', '!Sub', '!GetAtt', '!If', '!Equals', '!Select', '!Join', '!Split'];

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/**
 * Reads rules from a template: for `npm run rules:generate` and the specs only (the port entry
 * does not export it, so no function loads a YAML parser for its rules).
 *
 * The EventBridge rules of a SAM template: functions' `EventBridgeRule` events and
 * `AWS::Events::Rule` resources with function targets. The local bus routes by exactly these, so
 * what works locally is what is deployed.
 */
export function rulesFromTemplate(path: string): BusRule[] {
  const template = parse(readFileSync(path, 'utf8'), {
    customTags: [...CFN_TAGS.map(scalar), ...CFN_TAGS.map(sequence)],
  }) as { Resources?: Record<string, Resource> };
  const rules: BusRule[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type === 'AWS::Serverless::Function') {
      const events = (resource.Properties?.Events ?? {}) as Record<string, Resource>;
      for (const [eventName, event] of Object.entries(events)) {
        if (event.Type !== 'EventBridgeRule') continue;
        rules.push({
          name: `${id}.${eventName}`,
          eventBusName: busName(event.Properties?.EventBusName),
          pattern: event.Properties?.Pattern as Record<string, unknown>,
          targets: [id],
        });
      }
    }
    if (resource.Type === 'AWS::Events::Rule') {
      const targets = ((resource.Properties?.Targets ?? []) as Array<{ Arn?: unknown }>)
        .map((target) => logicalIdOf(target.Arn))
        .filter((target): target is string => target !== undefined);
      rules.push({
        name: id,
        eventBusName: busName(resource.Properties?.EventBusName),
        pattern: resource.Properties?.EventPattern as Record<string, unknown>,
        targets,
      });
    }
  }
  return rules;
}

/**
 * A rule's bus: a literal name, or `default` when none is given or an intrinsic gives it (the
 * stack's integration bus, `EventBusName`): locally the publisher puts on `default`
 * (EVENT_BUS_NAME's default), so that is where the local bus routes the rule.
 */
function busName(value: unknown): string {
  return typeof value === 'string' ? value : 'default';
}

/** `!GetAtt Fn.Arn` (either form) names the target function. */
function logicalIdOf(arn: unknown): string | undefined {
  const getAtt = (arn as Record<string, unknown> | undefined)?.['!GetAtt'];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** The ledger's own template.yaml, at the repository root: what `npm run rules:generate` reads. */
export function ledgerTemplatePath(): string {
  return join(repoRoot(), 'template.yaml');
}

/** The generated module's text for `rules`: a typed constant, so no function reads YAML at run time. */
export function renderLedgerRulesModule(rules: readonly BusRule[]): string {
  return [
    '// Generated from template.yaml by `npm run rules:generate`; a unit spec fails when it drifts.',
    "import type { BusRule } from './bus-rule';",
    '',
    `export const LEDGER_RULES: readonly BusRule[] = ${JSON.stringify(rules, null, 2)};`,
    '',
  ].join('\n');
}
