import { ipInRange, parseIp, sameIp } from './cidr';
import type {
  CompiledPattern,
  FieldNode,
  Leaf,
  NumericBound,
  ObjectPattern,
  ValueMatcher,
} from './event-pattern.types';
import { matchesWildcard } from './wildcard';

/*
 * Matching semantics, from "Event pattern syntax", "Arrays in Amazon EventBridge event patterns",
 * "Matching events on null values and empty strings" and "Comparison operators for use in event
 * patterns in Amazon EventBridge":
 * - every field of a pattern object must match (AND); one element of a match array suffices (OR);
 * - an event array matches if any of its elements does; nested arrays are flattened, and a
 *   sub-pattern is matched against one array element at a time, so two fields never match from
 *   different elements of the same array (EventBridge's array-consistent matching);
 * - operators apply to leaves (strings, numbers, booleans, null); an object-valued field has no
 *   leaf, so only `exists: false` matches it;
 * - a missing field matches nothing but `exists: false`; `null` is a present value.
 */

/** Numbers EventBridge can compare in `numeric`; event values beyond it never match a range. */
const NUMERIC_LIMIT = 5e9;

/** Case-insensitive operators compare lower-cased text on both sides. */
export function foldCase(text: string): string {
  return text.toLowerCase();
}

/** A validated pattern; build it with parseEventPattern. */
export class CompiledEventPattern implements CompiledPattern {
  constructor(private readonly root: ObjectPattern) {}

  matches(event: unknown): boolean {
    return matchObject(this.root, event);
  }
}

function matchObject(pattern: ObjectPattern, value: unknown): boolean {
  if (!Array.isArray(value)) return matchSingle(pattern, value);
  const elements = flatten(value);
  // An empty array holds no field at all, which is what `exists: false` below it asks for.
  if (elements.length === 0) return matchSingle(pattern, undefined);
  return elements.some((element) => matchSingle(pattern, element));
}

function matchSingle(pattern: ObjectPattern, value: unknown): boolean {
  return (
    pattern.fields.every((field) => matchNode(field.node, readField(value, field.key))) &&
    pattern.anyOf.every((branches) => branches.some((branch) => matchSingle(branch, value)))
  );
}

function matchNode(node: FieldNode, value: unknown): boolean {
  if (node.kind === 'object') return matchObject(node.pattern, value);
  const leaves = leavesOf(value);
  return node.matchers.some((matcher) =>
    matcher.kind === 'exists'
      ? leaves.length > 0 === matcher.exists
      : leaves.some((leaf) => matchLeaf(matcher, leaf)),
  );
}

/**
 * An own data property only: inherited members (`constructor`, `__proto__`) are not event fields,
 * and accessors are not invoked, so a crafted event cannot run code or pollute anything.
 */
function readField(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
}

function leavesOf(value: unknown): Leaf[] {
  if (value === undefined) return [];
  const candidates = Array.isArray(value) ? flatten(value) : [value];
  return candidates.filter(isLeaf);
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

/** Flattens nested arrays without recursion (deep events cannot overflow the stack) or cycles. */
function flatten(values: readonly unknown[]): unknown[] {
  const result: unknown[] = [];
  const seen = new Set<readonly unknown[]>([values]);
  const stack: unknown[] = [...values].reverse();
  while (stack.length > 0) {
    const item = stack.pop();
    if (!Array.isArray(item)) {
      result.push(item);
    } else if (!seen.has(item)) {
      seen.add(item);
      for (let index = item.length - 1; index >= 0; index--) stack.push(item[index]);
    }
  }
  return result;
}

function matchLeaf(matcher: ValueMatcher, leaf: Leaf): boolean {
  switch (matcher.kind) {
    case 'exact':
      return matchExact(matcher.value, matcher.ip, leaf);
    case 'prefix':
      return (
        typeof leaf === 'string' &&
        (matcher.ignoreCase ? foldCase(leaf) : leaf).startsWith(matcher.value)
      );
    case 'suffix':
      return (
        typeof leaf === 'string' &&
        (matcher.ignoreCase ? foldCase(leaf) : leaf).endsWith(matcher.value)
      );
    case 'equals-ignore-case':
      return typeof leaf === 'string' && foldCase(leaf) === matcher.value;
    case 'wildcard':
      return typeof leaf === 'string' && matchesWildcard(matcher.wildcard, leaf);
    case 'numeric':
      return typeof leaf === 'number' && matchNumeric(leaf, matcher.lower, matcher.upper);
    case 'cidr': {
      const ip = typeof leaf === 'string' ? parseIp(leaf) : undefined;
      return ip !== undefined && ipInRange(ip, matcher.range);
    }
    case 'anything-but':
      // Any present value not excluded, whatever its type: null, or 12 against a string prefix.
      return !matcher.excluded.some((excluded) => matchLeaf(excluded, leaf));
    case 'exists':
      // Decided on the whole field in matchNode: presence is not a property of one leaf.
      return false;
  }
}

/**
 * Types never mix ("5" is not 5, "true" is not true); numbers compare by value, so 300 matches
 * 300.0 and 3.0e2 as EventBridge does in practice.
 */
function matchExact(expected: Leaf, expectedIp: Uint8Array | undefined, leaf: Leaf): boolean {
  if (leaf === expected) return true;
  if (expectedIp === undefined || typeof leaf !== 'string') return false;
  const ip = parseIp(leaf);
  return ip !== undefined && sameIp(ip, expectedIp);
}

function matchNumeric(value: number, lower?: NumericBound, upper?: NumericBound): boolean {
  if (!Number.isFinite(value) || Math.abs(value) > NUMERIC_LIMIT) return false;
  if (lower !== undefined && (lower.inclusive ? value < lower.value : value <= lower.value)) {
    return false;
  }
  if (upper !== undefined && (upper.inclusive ? value > upper.value : value >= upper.value)) {
    return false;
  }
  return true;
}
