import { join } from 'node:path';
import { matchesEventPattern } from '@ledger/bus';
import { readCloudFormationTemplate } from '@ledger/testing';

export const TEMPLATE_PATH = join(__dirname, '..', '..', 'template.yaml');

interface TemplateFunction {
  Type: string;
  Properties: {
    Tracing?: unknown;
    Environment?: { Variables?: Record<string, unknown> };
    Events?: Record<
      string,
      { Type: string; Properties: { FilterCriteria?: { Filters: { Pattern: string }[] } } }
    >;
  };
}

interface Template {
  Parameters: Record<string, { Default?: unknown }>;
  Resources: Record<string, TemplateFunction>;
}

function readTemplate(): Template {
  return readCloudFormationTemplate<Template>(TEMPLATE_PATH);
}

/** Each stream consumer's `Tracing` in template.yaml, by consumer name, and the parameters. */
export function consumerTracing(): {
  tracing: Record<string, unknown>;
  parameters: Template['Parameters'];
} {
  const template = readTemplate();
  const tracing: Record<string, unknown> = {};
  for (const resource of Object.values(template.Resources)) {
    const name = resource.Properties?.Environment?.Variables?.CONSUMER_NAME;
    if (resource.Type === 'AWS::Serverless::Function' && typeof name === 'string') {
      tracing[name] = resource.Properties.Tracing;
    }
  }
  return { tracing, parameters: template.Parameters };
}

/**
 * The event source mapping filters of each stream consumer in template.yaml, by consumer name
 * (`CONSUMER_NAME`): the patterns Lambda applies before it invokes the function.
 */
export function consumerFilters(): Record<string, object[]> {
  const template = readTemplate();
  const filters: Record<string, object[]> = {};
  for (const resource of Object.values(template.Resources)) {
    const name = resource.Properties?.Environment?.Variables?.CONSUMER_NAME;
    if (resource.Type !== 'AWS::Serverless::Function' || typeof name !== 'string') continue;
    for (const event of Object.values(resource.Properties.Events ?? {})) {
      if (event.Type !== 'DynamoDB') continue;
      filters[name] = (event.Properties.FilterCriteria?.Filters ?? []).map(
        ({ Pattern }) => JSON.parse(Pattern) as object,
      );
    }
  }
  return filters;
}

/**
 * Whether Lambda hands `record` (a DynamoDB stream record) to a mapping with these filters: any
 * one pattern matching lets it through; no filter at all lets everything through. Lambda's filter
 * syntax is EventBridge's pattern syntax, so the bus's own matcher evaluates it.
 */
export function passesFilters(filters: readonly object[], record: unknown): boolean {
  return filters.length === 0 || filters.some((pattern) => matchesEventPattern(pattern, record));
}
