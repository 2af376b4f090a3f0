/**
 * The consumer-visible shape of the contracts: per detail-type, every field's path, type and
 * whether it is always present. This is what a committed snapshot
 * (`published-contracts.v1.json`) records and what `breakingChanges` compares; descriptions and
 * examples are left out because changing them breaks nobody.
 */
import type { JsonSchema } from '../schemas/json-schema';
import { INTEGRATION_EVENT_SCHEMAS_V1 } from '../schemas/schemas.v1';

/** One field of a detail, at a path like `data.amount` (array items: `data.lines[]`). */
export type FieldShape = {
  type: string;
  /** Always present when its parent is. */
  required: boolean;
  format?: string;
  enum?: string[];
  const?: string | number | boolean;
};

/** One detail-type: its fields by path, envelope included. */
export type DetailTypeShape = { fields: Record<string, FieldShape> };

/** Every published detail-type's shape, by detail-type. */
export type PublishedContracts = { detailTypes: Record<string, DetailTypeShape> };

/** The shape of the contracts as the schemas define them now. */
export function describeContracts(
  schemas: Readonly<Record<string, JsonSchema>> = INTEGRATION_EVENT_SCHEMAS_V1,
): PublishedContracts {
  const detailTypes: Record<string, DetailTypeShape> = {};
  for (const [detailType, schema] of Object.entries(schemas)) {
    const fields: Record<string, FieldShape> = {};
    collectFields(schema, '', fields);
    detailTypes[detailType] = { fields };
  }
  return { detailTypes };
}

function collectFields(schema: JsonSchema, prefix: string, fields: Record<string, FieldShape>) {
  const required = new Set(schema.required ?? []);
  for (const [name, member] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    fields[path] = fieldShape(member, required.has(name));
    collectFields(member, path, fields);
    if (member.items !== undefined) {
      fields[`${path}[]`] = fieldShape(member.items, true);
      collectFields(member.items, `${path}[]`, fields);
    }
  }
}

function fieldShape(schema: JsonSchema, required: boolean): FieldShape {
  return {
    type: schema.type ?? 'any',
    required,
    ...(schema.format === undefined ? {} : { format: schema.format }),
    ...(schema.enum === undefined ? {} : { enum: [...schema.enum] }),
    ...(schema.const === undefined ? {} : { const: schema.const }),
  };
}
