import type { IpBytes, IpRange } from './cidr';
import type { Wildcard } from './wildcard';

/** An EventBridge event pattern as JSON: fields map to arrays of match values or to nested patterns. */
export type EventPattern = Record<string, unknown>;

/** A validated pattern, ready to test events against. */
export interface CompiledPattern {
  /** Whether the event (the full envelope: source, detail-type, detail, ...) matches. */
  matches(event: unknown): boolean;
}

/** A scalar JSON value: the only thing a match value or an event leaf can be. */
export type Leaf = string | number | boolean | null;

/** One numeric bound of a `numeric` range. */
export interface NumericBound {
  readonly value: number;
  readonly inclusive: boolean;
}

/** One element of a field's match array, after validation. */
export type ValueMatcher =
  | { readonly kind: 'exact'; readonly value: Leaf; readonly ip?: IpBytes }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly wildcard: Wildcard }
  | { readonly kind: 'numeric'; readonly lower?: NumericBound; readonly upper?: NumericBound }
  | { readonly kind: 'cidr'; readonly range: IpRange }
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'anything-but'; readonly excluded: readonly ValueMatcher[] };

/** What a pattern field holds: a match array (leaf) or a nested pattern. */
export type FieldNode =
  | { readonly kind: 'leaf'; readonly matchers: readonly ValueMatcher[] }
  | { readonly kind: 'object'; readonly pattern: ObjectPattern };

/** One `"name": ...` member of a pattern object. */
export interface FieldPattern {
  readonly key: string;
  readonly node: FieldNode;
}

/** A pattern object: every field must match (AND), and each `$or` needs one matching branch. */
export interface ObjectPattern {
  readonly fields: readonly FieldPattern[];
  readonly anyOf: readonly (readonly ObjectPattern[])[];
}
