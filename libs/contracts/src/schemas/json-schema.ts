/**
 * The part of JSON Schema (draft 2020-12) the contracts use. Kept small on purpose: the docs
 * generator and the compatibility check read these keywords, so a schema using anything else
 * would be published without being documented or guarded.
 */
export type JsonSchema = {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  /** `true` on every published object: consumers must accept members added later. */
  additionalProperties?: boolean;
  items?: JsonSchema;
  enum?: readonly string[];
  const?: string | number | boolean;
  minimum?: number;
  minLength?: number;
  pattern?: string;
  format?: 'date-time';
};
