/**
 * What an existing consumer would trip over, comparing the published contract shape with the
 * current one. The rule is "v1 only grows by optional fields and new detail-types":
 *
 * - a detail-type removed (a rename is a removal plus an addition);
 * - a field removed, or its type, format or constant changed;
 * - a required field made optional (consumers rely on it being there);
 * - an optional field made required, or a new field added as required (events already
 *   published, e.g. in the EventBridge archive and replayed, lack it and would fail the schema);
 * - enum values added or removed (a consumer validating with the v1 schema, or switching
 *   exhaustively, meets a value it does not know; archived events may carry a removed one).
 *
 * Tighter constraints (`minimum`, `pattern`) are not compared; review those by hand.
 */
import type { FieldShape, PublishedContracts } from './contract-shape';

/** One line per change that would break an existing consumer; empty when compatible. */
export function breakingChanges(
  published: PublishedContracts,
  current: PublishedContracts,
): string[] {
  const problems: string[] = [];
  for (const [detailType, before] of Object.entries(published.detailTypes)) {
    const after = own(current.detailTypes, detailType);
    if (after === undefined) {
      problems.push(`${detailType}: detail-type removed (or renamed); consumers subscribe to it`);
      continue;
    }
    for (const [path, field] of Object.entries(before.fields)) {
      const now = own(after.fields, path);
      if (now === undefined) problems.push(`${detailType}: field ${path} removed`);
      else
        problems.push(
          ...fieldChanges(field, now).map((change) => `${detailType}: ${path} ${change}`),
        );
    }
    for (const [path, field] of Object.entries(after.fields)) {
      const parent = parentPath(path);
      const parentPublished = parent === undefined || own(before.fields, parent) !== undefined;
      // A required member of a new optional object is fine: only the new object itself counts.
      if (field.required && own(before.fields, path) === undefined && parentPublished) {
        problems.push(`${detailType}: new field ${path} is required; add it as optional`);
      }
    }
  }
  return problems;
}

function fieldChanges(before: FieldShape, after: FieldShape): string[] {
  const changes: string[] = [];
  if (before.type !== after.type) changes.push(`type changed from ${before.type} to ${after.type}`);
  if (before.format !== after.format) {
    changes.push(`format changed from ${String(before.format)} to ${String(after.format)}`);
  }
  if (before.const !== after.const) {
    changes.push(`constant changed from ${String(before.const)} to ${String(after.const)}`);
  }
  if (before.required && !after.required) changes.push('made optional (was required)');
  if (!before.required && after.required) changes.push('made required (was optional)');
  const added = (after.enum ?? []).filter((value) => !(before.enum ?? []).includes(value));
  const removed = (before.enum ?? []).filter((value) => !(after.enum ?? []).includes(value));
  // A field that gains or loses its enum altogether is a type-level change too.
  if ((before.enum === undefined) !== (after.enum === undefined)) {
    changes.push(before.enum === undefined ? 'restricted to an enum' : 'no longer an enum');
  } else {
    if (added.length > 0) changes.push(`enum values added: ${added.join(', ')}`);
    if (removed.length > 0) changes.push(`enum values removed: ${removed.join(', ')}`);
  }
  return changes;
}

function parentPath(path: string): string | undefined {
  const cut = Math.max(path.lastIndexOf('.'), path.endsWith('[]') ? path.length - 2 : -1);
  return cut <= 0 ? undefined : path.slice(0, cut);
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
