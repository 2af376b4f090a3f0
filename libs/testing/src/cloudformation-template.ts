import { readFileSync } from 'node:fs';
import { parse, type CollectionTag, type ScalarTag } from 'yaml';

/** Every short-form intrinsic CloudFormation knows (`!Ref`, `!If`...). */
const SHORT_FORM_TAGS = [
  '!Ref',
  '!Sub',
  '!GetAtt',
  '!If',
  '!Equals',
  '!Not',
  '!And',
  '!Or',
  '!Condition',
  '!Select',
  '!Join',
  '!Split',
  '!FindInMap',
  '!Base64',
  '!GetAZs',
  '!ImportValue',
  '!Cidr',
  '!Transform',
];

const tags = SHORT_FORM_TAGS.flatMap((tag): Array<ScalarTag | CollectionTag> => [
  { tag, resolve: (value: string) => ({ [tag]: value }) },
  { tag, collection: 'seq', resolve: (value) => ({ [tag]: value.toJSON() as unknown }) },
  { tag, collection: 'map', resolve: (value) => ({ [tag]: value.toJSON() as unknown }) },
]);

/**
 * A CloudFormation (or SAM) template, its short-form intrinsics read as plain values
 * (`!Ref X` as `{ '!Ref': 'X' }`): for specs that compare the template's shapes.
 */
export function readCloudFormationTemplate<T = Record<string, unknown>>(path: string): T {
  return parse(readFileSync(path, 'utf8'), { customTags: tags }) as T;
}

/** `ReadModelsTable` → `read-models`: the name a table of template.yaml has locally, less the prefix. */
export function localTableNameOf(logicalId: string): string {
  return logicalId
    .replace(/Table$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}
