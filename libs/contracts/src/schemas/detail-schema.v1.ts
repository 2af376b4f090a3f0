import { type DetailType, SCHEMA_VERSION_V1 } from '../events/integration-events.v1';
import type { JsonSchema } from './json-schema';

/** The JSON Schema dialect of every published schema. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The `$id` of a detail-type's schema: a URN, since the schemas are not served from a URL. */
export function schemaId(detailType: DetailType, schemaVersion: number): string {
  return `urn:integration-ledger:events:${detailType}:v${schemaVersion}`;
}

/** Integer minor units (e.g. cents) of the event's `currency`; always positive here. */
export function minorUnits(description: string): JsonSchema {
  return { type: 'integer', minimum: 1, description };
}

/** An ISO 4217 currency code, upper case. */
export function currencyCode(description = 'ISO 4217 code, upper case, e.g. `EUR`.'): JsonSchema {
  return { type: 'string', pattern: '^[A-Z]{3}$', description };
}

/** An ISO-8601 instant with a time zone (the ledger writes UTC with milliseconds). */
export function instant(description: string): JsonSchema {
  return { type: 'string', format: 'date-time', description };
}

/** A non-empty string. */
export function text(description: string): JsonSchema {
  return { type: 'string', minLength: 1, description };
}

/**
 * One of a closed list of strings. Closed on purpose: a value consumers have never seen is a
 * breaking change (a new schema version), not something slipped into v1.
 */
export function oneOf(values: readonly string[], description: string): JsonSchema {
  return { type: 'string', enum: values, description };
}

/** A payment status, as the HTTP API names it. */
export function paymentStatus(description: string): JsonSchema {
  return oneOf(
    [
      'requested',
      'processing',
      'succeeded',
      'failed',
      'outcome_unknown',
      'partially_refunded',
      'refunded',
    ],
    description,
  );
}

/** Where a definitive outcome was learnt from; shared by payment and refund outcomes. */
export const outcomeSource = oneOf(
  ['gateway_response', 'reconcile', 'webhook'],
  "Where the outcome was learnt: the gateway's answer to the call, a reconciliation, or a webhook.",
);

/** Where an unknown outcome was concluded. */
export const unknownOutcomeSource = oneOf(
  ['gateway_response', 'reconcile'],
  'What left the outcome unknown: the call itself (timeout, 5xx, network error) or a reconciliation.',
);

/** The shape of a detail-type's `data`: its members; `required` lists the ones always present. */
export type DataSchema = {
  required: readonly string[];
  properties: Readonly<Record<string, JsonSchema>>;
};

/**
 * The JSON Schema of one detail-type's EventBridge `Detail` (v1): the shared envelope with the
 * detail-type's `data`. Each schema is self-contained (no `$ref`) so a consumer can take one
 * schema alone. Objects allow additional properties: v1 grows by optional members only, and
 * consumers must ignore members they do not know.
 */
export function detailSchemaV1(
  detailType: DetailType,
  description: string,
  data: DataSchema,
): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: schemaId(detailType, SCHEMA_VERSION_V1),
    title: `${detailType} v${SCHEMA_VERSION_V1}`,
    description,
    type: 'object',
    required: [
      'eventId',
      'occurredAt',
      'tenantId',
      'paymentId',
      'streamVersion',
      'schemaVersion',
      'replay',
      'data',
    ],
    properties: {
      eventId: text(
        "The ledger event's id (a ULID). The same on every redelivery and replay: deduplicate on it.",
      ),
      occurredAt: instant(
        'When the ledger decided what happened. Not an ordering key: use `streamVersion`.',
      ),
      tenantId: text('The tenant (merchant account) the payment belongs to.'),
      paymentId: text('The payment, as the tenant named it when requesting it.'),
      streamVersion: {
        type: 'integer',
        minimum: 1,
        description:
          "The event's position in its payment's stream (1, 2, ...); order one payment's events by it.",
      },
      schemaVersion: {
        type: 'integer',
        const: SCHEMA_VERSION_V1,
        description: 'The contract version of this detail; a breaking change gets a new one.',
      },
      replay: {
        type: 'boolean',
        description: 'True when re-delivered by a replay, false when published as it happened.',
      },
      data: {
        type: 'object',
        description: `What the \`${detailType}\` event says; see its fields.`,
        required: data.required,
        properties: data.properties,
        additionalProperties: true,
      },
    },
    additionalProperties: true,
  };
}
