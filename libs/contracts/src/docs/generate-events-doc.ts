/**
 * Renders docs/events.md from the contracts themselves (schemas, catalog, examples), so the
 * published documentation cannot say something the schemas do not. The output is already in
 * Prettier's Markdown form (aligned tables, 2-space JSON), so formatting the repository leaves
 * it unchanged and the drift test keeps passing.
 */
import { EVENT_CATALOG_V1 } from '../catalog/event-catalog.v1';
import {
  DEFAULT_SOURCE,
  DETAIL_TYPES,
  type DetailType,
  SCHEMA_VERSION_V1,
} from '../events/integration-events.v1';
import { JSON_SCHEMA_DIALECT, schemaId } from '../schemas/detail-schema.v1';
import type { JsonSchema } from '../schemas/json-schema';
import { INTEGRATION_EVENT_SCHEMAS_V1 } from '../schemas/schemas.v1';

/** Where the generated document lives, relative to the repository root. */
export const EVENTS_DOC_PATH = 'docs/events.md';

/** The name of a detail-type's exported schema constant, e.g. `paymentSucceededV1Schema`. */
export function schemaConstName(detailType: DetailType): string {
  const [first = '', ...rest] = detailType.split(/[._]/);
  return `${first}${rest.map(capitalize).join('')}V${SCHEMA_VERSION_V1}Schema`;
}

/** The name of a detail-type's exported `data` type, e.g. `PaymentSucceededDataV1`. */
export function dataTypeName(detailType: DetailType): string {
  return `${detailType.split(/[._]/).map(capitalize).join('')}DataV${SCHEMA_VERSION_V1}`;
}

/** The source file of a detail-type's schema, relative to the repository root. */
export function schemaFile(detailType: DetailType): string {
  return `libs/contracts/src/schemas/${detailType}.v${SCHEMA_VERSION_V1}.schema.ts`;
}

/** docs/events.md: every detail-type, the envelope, every field, an example of each. */
export function renderEventsDoc(): string {
  const envelope = INTEGRATION_EVENT_SCHEMAS_V1['payment.requested'];
  const sections = [
    intro(),
    delivery(),
    eventBridgeEntry(),
    detailEnvelope(envelope),
    compatibility(),
    overview(),
    ...DETAIL_TYPES.map(detailTypeSection),
  ];
  return `${sections.join('\n\n')}\n`;
}

function intro(): string {
  return lines(
    '# Integration events',
    '',
    '<!-- Generated from libs/contracts by `npm run contracts:docs`; do not edit by hand. A unit test',
    'fails when this file and the contracts differ. -->',
    '',
    'Everything that happens to a payment is published to Amazon EventBridge as an integration event.',
    'These events are the public contract for subscribers: each detail-type has a version, a',
    'TypeScript type and a JSON Schema in `libs/contracts` (`@ledger/contracts`). They are derived',
    "from the ledger's internal events but are not those events: internal events may change with any",
    'release, these change only as described under [Versioning](#versioning-and-compatibility).',
  );
}

function delivery(): string {
  return lines(
    '## Delivery',
    '',
    "- Published from the events table's DynamoDB stream, never written alongside the event: what is",
    '  published is always stored first.',
    '- At least once: the same event can arrive more than once. Deduplicate on `detail.eventId`.',
    '- EventBridge does not keep order. Order the events of one payment by `detail.streamVersion`;',
    '  events of different payments have no order between them. A `webhook.received` and the state',
    '  event the delivery caused (`payment.succeeded`, `payment.failed`, `refund.succeeded`,',
    '  `refund.failed`, `payment.outcome_contradicted`) may share a `streamVersion`, when the ledger',
    '  recorded both in one event: the `webhook.received` is sent first and comes first. Their',
    '  `eventId`s differ.',
    '- Only payment streams publish. A webhook delivery is published (as `webhook.received`) once it',
    '  is linked to a payment; rejected deliveries and deliveries that match no payment are not.',
    '- A replay re-delivers past events with `detail.replay` set to `true` and the same `eventId`.',
  );
}

function eventBridgeEntry(): string {
  return lines(
    '## The EventBridge entry',
    '',
    table(
      ['member', 'value'],
      [
        [
          '`Source`',
          `\`${DEFAULT_SOURCE}\` unless the publisher is configured with another source`,
        ],
        ['`DetailType`', 'the detail-type, e.g. `payment.succeeded`'],
        ['`Detail`', "the detail: the envelope below, with the detail-type's `data` in it"],
      ],
    ),
    '',
    'A rule that sends every payment outcome to a target:',
    '',
    '```json',
    '{',
    `  "source": ["${DEFAULT_SOURCE}"],`,
    '  "detail-type": ["payment.succeeded", "payment.failed", "payment.outcome_unknown"]',
    '}',
    '```',
  );
}

function detailEnvelope(schema: JsonSchema): string {
  return lines(
    '## The detail envelope',
    '',
    'Every detail-type has the same envelope; only `data` differs.',
    '',
    fieldTable(schema, (name) => name !== 'data'),
    '',
    'Plus `data` (object, required): what the event says, described with each detail-type below.',
  );
}

function compatibility(): string {
  return lines(
    '## Versioning and compatibility',
    '',
    `- Every detail carries \`schemaVersion\`; this document describes version ${SCHEMA_VERSION_V1} of every`,
    '  detail-type. There is one JSON Schema per detail-type, written in',
    `  \`${JSON_SCHEMA_DIALECT}\` with \`$id\``,
    `  \`${schemaId('payment.succeeded', SCHEMA_VERSION_V1).replace('payment.succeeded', '<detail-type>')}\`.`,
    '- Within a version, changes are additive only: new optional fields and new detail-types. The',
    '  schemas allow additional properties, and consumers must ignore fields they do not know.',
    '- Anything else is breaking and ships as a new `schemaVersion`: removing or renaming a',
    '  detail-type or a field, changing a type, making an optional field required or a required one',
    '  optional, adding or removing an enum value. A unit test compares the contracts with a snapshot',
    '  of what was published (`libs/contracts/src/compatibility/published-contracts.v1.json`) and',
    '  fails on any of these.',
    '- Enums are closed: a field lists every value it can take in this version.',
    '- Optional fields are left out when they have no value; no field is ever `null`.',
    '- Amounts are integers in minor units (cents) of `currency`, an upper-case ISO 4217 code.',
    '- Timestamps are ISO-8601 instants in UTC with milliseconds.',
    '- Never in an event: webhook bodies or headers, signatures, API keys, card data, idempotency',
    '  keys.',
  );
}

function overview(): string {
  return lines(
    '## Detail-types',
    '',
    table(
      ['detail-type', 'sent when'],
      DETAIL_TYPES.map((detailType) => [
        `[\`${detailType}\`](#${anchor(detailType)})`,
        EVENT_CATALOG_V1[detailType].sentWhen,
      ]),
    ),
  );
}

function detailTypeSection(detailType: DetailType): string {
  const schema = INTEGRATION_EVENT_SCHEMAS_V1[detailType];
  const entry = EVENT_CATALOG_V1[detailType];
  const data = schema.properties?.data ?? {};
  const example = entry.example;
  return lines(
    `## \`${detailType}\``,
    '',
    schema.description ?? '',
    '',
    `- Sent: ${lowerFirst(entry.sentWhen)}`,
    `- Schema: \`${schemaConstName(detailType)}\` in \`${schemaFile(detailType)}\``,
    `- TypeScript: \`IntegrationEventOf<'${detailType}'>\`, its \`data\` a \`${dataTypeName(detailType)}\``,
    `- Published from the ledger's internal \`${entry.publishedFrom}\` event${entry.alsoFrom === undefined ? '' : `, and from ${entry.alsoFrom}`}`,
    '',
    'Fields of `data`:',
    '',
    fieldTable(data, () => true),
    '',
    'Example:',
    '',
    '```json',
    JSON.stringify(
      { source: example.source, 'detail-type': example.detailType, detail: example.detail },
      null,
      2,
    ),
    '```',
  );
}

function fieldTable(schema: JsonSchema, include: (name: string) => boolean): string {
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties ?? {})
    .filter(([name]) => include(name))
    .map(([name, member]) => [
      `\`${name}\``,
      typeOf(member),
      required.has(name) ? 'yes' : 'no',
      cell(member.description ?? ''),
    ]);
  return table(['field', 'type', 'required', 'description'], rows);
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum !== undefined) return `one of ${schema.enum.map((v) => `\`${v}\``).join(', ')}`;
  if (schema.const !== undefined)
    return `${schema.type ?? 'any'}, always \`${String(schema.const)}\``;
  const type = schema.type ?? 'any';
  if (schema.format !== undefined) return `${type} (${schema.format})`;
  if (schema.pattern !== undefined) return `${type} matching \`${schema.pattern}\``;
  if (schema.minimum !== undefined) return `${type} >= ${schema.minimum}`;
  if (schema.minLength === 1) return `${type}, not empty`;
  return type;
}

// Prettier's Markdown tables: cells padded to the column's width, dashes as wide as the column.
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (cells: readonly string[]) =>
    `| ${cells.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    render(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map(render),
  ].join('\n');
}

// A pipe would end the cell early; the contracts' descriptions have none, but be safe.
function cell(value: string): string {
  return value.replace(/\|/g, '\\|');
}

// GitHub's heading anchors: lower case, punctuation other than - and _ dropped.
function anchor(detailType: DetailType): string {
  return detailType.toLowerCase().replace(/[^a-z0-9_ -]/g, '');
}

function lowerFirst(sentence: string): string {
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function lines(...content: string[]): string {
  return content.join('\n');
}
