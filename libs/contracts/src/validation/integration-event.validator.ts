/**
 * Checks an integration event against its detail-type's JSON Schema, with Ajv (draft 2020-12).
 *
 * Two readings of the same schema: `undocumentedFields: 'allow'` is the published schema as a
 * consumer applies it (objects open, so v1 can grow). `'reject'`, the default, closes every
 * object: what the producer sends must be documented, so a field that slips into the mapping
 * without a schema change (an idempotency key, a raw body) fails here rather than going out.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { type DetailType, isDetailType } from '../events/integration-events.v1';
import type { JsonSchema } from '../schemas/json-schema';
import { INTEGRATION_EVENT_SCHEMAS_V1 } from '../schemas/schemas.v1';

/** The outcome of a validation; `errors` name the offending place, e.g. `detail/data/amount`. */
export type IntegrationEventValidation = { valid: true } | { valid: false; errors: string[] };

/** Whether members the schema does not list are refused (producer) or tolerated (consumer). */
export type ValidationOptions = { undocumentedFields?: 'reject' | 'allow' };

type Mode = NonNullable<ValidationOptions['undocumentedFields']>;

/** True for an ISO-8601 / RFC 3339 instant with a time zone that names a real moment. */
export function isInstant(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

/** Validates an integration event's `source`, `detailType` and `detail` against the contract. */
export function validateIntegrationEvent(
  event: unknown,
  options: ValidationOptions = {},
): IntegrationEventValidation {
  if (typeof event !== 'object' || event === null) {
    return { valid: false, errors: ['the event must be an object'] };
  }
  const { source, detailType, detail } = event as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof source !== 'string' || source === '') errors.push('source must be a non-empty string');
  if (!isDetailType(detailType)) {
    errors.push(`detailType ${JSON.stringify(detailType)} is not a published detail-type`);
    return { valid: false, errors };
  }
  const validate = validatorFor(detailType, options.undocumentedFields ?? 'reject');
  if (!validate(detail)) errors.push(...(validate.errors ?? []).map(describeError));
  return errors.length === 0 ? { valid: true } : { valid: false, errors };
}

// Compiled on first use and kept: compiling is the slow part, validating is cheap.
const validators = new Map<string, ValidateFunction>();
const engines = new Map<Mode, Ajv2020>();

function validatorFor(detailType: DetailType, mode: Mode): ValidateFunction {
  const key = `${mode}:${detailType}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    const schema = INTEGRATION_EVENT_SCHEMAS_V1[detailType];
    validate = engine(mode).compile(mode === 'reject' ? closed(schema) : schema);
    validators.set(key, validate);
  }
  return validate;
}

// One Ajv per mode: both readings of a schema share its `$id`, which one instance refuses twice.
function engine(mode: Mode): Ajv2020 {
  let ajv = engines.get(mode);
  if (ajv === undefined) {
    // Strict mode makes a typo'd keyword in a schema an error instead of a silent no-op.
    ajv = new Ajv2020({ allErrors: true, strict: true });
    // Ajv ships no formats; this one is all the contracts use (ajv-formats would be a second dependency).
    ajv.addFormat('date-time', { type: 'string', validate: isInstant });
    engines.set(mode, ajv);
  }
  return ajv;
}

function closed(schema: JsonSchema): JsonSchema {
  const copy: JsonSchema = { ...schema };
  if (schema.properties !== undefined) {
    copy.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, member]) => [name, closed(member)]),
    );
    copy.additionalProperties = false;
  }
  if (schema.items !== undefined) copy.items = closed(schema.items);
  return copy;
}

function describeError(error: ErrorObject): string {
  const where = `detail${error.instancePath}`;
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  return extra === undefined
    ? `${where} ${error.message ?? 'is invalid'}`
    : `${where} has undocumented member ${extra}`;
}
