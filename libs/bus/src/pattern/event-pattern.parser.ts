import { parseCidr, parseIp } from './cidr';
import { InvalidEventPatternError } from './event-pattern.errors';
import { CompiledEventPattern, foldCase } from './event-pattern.matcher';
import type {
  CompiledPattern,
  FieldPattern,
  Leaf,
  NumericBound,
  ObjectPattern,
  ValueMatcher,
} from './event-pattern.types';
import { parseWildcard } from './wildcard';

/*
 * Validation follows the EventBridge documentation ("Event pattern syntax", "Comparison operators
 * for use in event patterns in Amazon EventBridge") and, where the docs are silent, the rule
 * compiler of event-ruler, the open-source engine EventBridge runs. Reasons reuse EventBridge's
 * wording so that TestEventPattern answers look the same locally and deployed.
 */

/** Limit of numeric operands: ±5e9 with at most six decimal places (EventBridge's numeric range). */
const NUMERIC_LIMIT = 5e9;
const NUMERIC_DECIMALS = 6;

/** Not an EventBridge rule: a guard so a hostile, absurdly nested pattern cannot exhaust the stack. */
const MAX_DEPTH = 256;

/** Operator names that cannot be field names inside `$or`, where they would be ambiguous. */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

type Json = Record<string, unknown>;

interface Context {
  readonly depth: number;
  readonly insideOr: boolean;
}

/**
 * Validates and compiles an event pattern (JSON text or an already-parsed object).
 * Throws InvalidEventPatternError for any pattern EventBridge would reject.
 */
export function parseEventPattern(pattern: string | object): CompiledPattern {
  const root: unknown = typeof pattern === 'string' ? parseJson(pattern) : pattern;
  if (!isJsonObject(root)) throw invalid('Filter is not an object');
  return new CompiledEventPattern(compileObject(root, { depth: 0, insideOr: false }));
}

/** One-shot convenience: compiles the pattern, then tests the event against it. */
export function matchesEventPattern(pattern: string | object, event: unknown): boolean {
  return parseEventPattern(pattern).matches(event);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw invalid(`Filter is not valid JSON: ${detail}`);
  }
}

function invalid(reason: string): InvalidEventPatternError {
  return new InvalidEventPatternError(reason);
}

function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileObject(object: Json, context: Context): ObjectPattern {
  if (context.depth > MAX_DEPTH) throw invalid('Event pattern is nested too deeply');
  const keys = Object.keys(object);
  if (keys.length === 0) throw invalid('Empty objects are not allowed');
  const fields: FieldPattern[] = [];
  const anyOf: ObjectPattern[][] = [];
  const inner: Context = { ...context, depth: context.depth + 1 };
  for (const key of keys) {
    const value = object[key];
    if (key === '$or') {
      anyOf.push(compileOr(value, inner));
      continue;
    }
    if (context.insideOr && RESERVED_IN_OR.has(key)) {
      throw invalid(`${key} is a reserved keyword which cannot be used as a field name inside $or`);
    }
    if (Array.isArray(value)) {
      fields.push({ key, node: { kind: 'leaf', matchers: compileMatchArray(value) } });
    } else if (isJsonObject(value)) {
      fields.push({ key, node: { kind: 'object', pattern: compileObject(value, inner) } });
    } else {
      throw invalid(`"${key}" must be an object or an array`);
    }
  }
  return { fields, anyOf };
}

/** `$or` takes two or more pattern objects, each a full pattern at the level where `$or` sits. */
function compileOr(value: unknown, context: Context): ObjectPattern[] {
  if (!Array.isArray(value)) throw invalid('It must be an Array followed with $or.');
  const branches = value.map((branch: unknown) => {
    if (!isJsonObject(branch)) {
      throw invalid('Only JSON object is allowed in array of $or relationship.');
    }
    return compileObject(branch, { ...context, insideOr: true });
  });
  if (branches.length < 2) throw invalid('There must have at least 2 Objects in $or relationship.');
  return branches;
}

function compileMatchArray(values: readonly unknown[]): ValueMatcher[] {
  if (values.length === 0) throw invalid('Empty arrays are not allowed');
  return values.map((value) => {
    if (isJsonObject(value)) return compileExpression(value);
    if (isLeaf(value)) return exactMatcher(value);
    throw invalid('Match value must be String, number, true, false, or null');
  });
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** A string that is an IP literal matches the same address however it is written, as deployed. */
function exactMatcher(value: Leaf): ValueMatcher {
  const ip = typeof value === 'string' ? parseIp(value) : undefined;
  return ip === undefined ? { kind: 'exact', value } : { kind: 'exact', value, ip };
}

/** The single operator in a match-array object, e.g. `{ "prefix": "us-" }`. */
function soleMember(expression: Json, missing: string): [string, unknown] {
  const keys = Object.keys(expression);
  if (keys.length === 0) throw invalid(missing);
  if (keys.length > 1) throw invalid('Only one key allowed in match expression');
  return [keys[0], expression[keys[0]]];
}

function compileExpression(expression: Json): ValueMatcher {
  const [operator, operand] = soleMember(expression, 'Match expression name not found');
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return compileAffix(operator, operand);
    case 'equals-ignore-case':
      return { kind: 'equals-ignore-case', value: foldCase(requireIgnoreCaseString(operand)) };
    case 'wildcard':
      if (typeof operand !== 'string') throw invalid('wildcard match pattern must be a string');
      return { kind: 'wildcard', wildcard: parseWildcard(operand) };
    case 'numeric':
      if (!Array.isArray(operand)) throw invalid('Value of numeric must be an array.');
      return compileNumeric(operand);
    case 'anything-but':
      return compileAnythingBut(operand);
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw invalid('exists match pattern must be either true or false.');
      }
      return { kind: 'exists', exists: operand };
    case 'cidr':
      if (typeof operand !== 'string') throw invalid('cidr match pattern must be a string');
      return { kind: 'cidr', range: parseCidr(operand) };
    default:
      // Operator names are case-sensitive: "NUMERIC" or "EXISTS" are rejected like unknown ones.
      throw invalid(`Unrecognized match type ${operator}`);
  }
}

/** `prefix` / `suffix`: a string, or `{ "equals-ignore-case": string }` to ignore case. */
function compileAffix(kind: 'prefix' | 'suffix', operand: unknown): ValueMatcher {
  if (typeof operand === 'string') return { kind, value: operand, ignoreCase: false };
  if (!isJsonObject(operand)) throw invalid(`${kind} match pattern must be a string`);
  const title = kind === 'prefix' ? 'Prefix' : 'Suffix';
  const [modifier, value] = soleMember(operand, `${title} expression name not found`);
  if (modifier !== 'equals-ignore-case') throw invalid(`Unsupported ${kind} pattern: ${modifier}`);
  return { kind, value: foldCase(requireIgnoreCaseString(value)), ignoreCase: true };
}

function requireIgnoreCaseString(operand: unknown): string {
  if (typeof operand !== 'string') {
    throw invalid('equals-ignore-case match pattern must be a string');
  }
  return operand;
}

/**
 * `numeric`: `[op, n]` with op one of = < <= > >=, or a range `[">" | ">=", low, "<" | "<=", high]`
 * with low < high. The lower bound comes first, as EventBridge requires.
 */
function compileNumeric(terms: readonly unknown[]): ValueMatcher {
  if (terms.length === 0) throw invalid('Invalid member in numeric match: ]');
  const [operator, operand, ...rest] = terms;
  if (typeof operator !== 'string') {
    throw invalid(`Invalid member in numeric match: ${display(operator)}`);
  }
  switch (operator) {
    case '=': {
      const value = numericOperand(operand, 'equals');
      if (rest.length > 0) throw invalid('Too many elements in numeric expression');
      return {
        kind: 'numeric',
        lower: { value, inclusive: true },
        upper: { value, inclusive: true },
      };
    }
    case '<':
    case '<=': {
      const upper = { value: numericOperand(operand, operator), inclusive: operator === '<=' };
      if (rest.length > 0) throw invalid('Too many elements in numeric expression');
      return { kind: 'numeric', upper };
    }
    case '>':
    case '>=': {
      const lower = { value: numericOperand(operand, operator), inclusive: operator === '>=' };
      if (rest.length === 0) return { kind: 'numeric', lower };
      return { kind: 'numeric', lower, upper: compileUpperBound(lower, rest) };
    }
    default:
      throw invalid(`Unrecognized numeric range operator: ${operator}`);
  }
}

function compileUpperBound(lower: NumericBound, rest: readonly unknown[]): NumericBound {
  const [operator, operand, ...extra] = rest;
  if (typeof operator !== 'string') {
    throw invalid(`Bad value in numeric range: ${display(operator)}`);
  }
  if (operator !== '<' && operator !== '<=') {
    throw invalid(`Bad numeric range operator: ${operator}`);
  }
  const value = numericOperand(operand, operator);
  if (extra.length > 0) throw invalid('Too many terms in numeric range expression');
  if (value <= lower.value) throw invalid('Bottom must be less than top');
  return { value, inclusive: operator === '<=' };
}

function numericOperand(operand: unknown, operator: string): number {
  if (typeof operand !== 'number' || !Number.isFinite(operand)) {
    throw invalid(`Value of ${operator} must be numeric`);
  }
  return comparableNumber(operand);
}

/** Numbers EventBridge can compare: within ±5e9, at most six decimal places. */
function comparableNumber(value: number): number {
  if (decimalPlaces(value) > NUMERIC_DECIMALS) {
    throw invalid(`Only values upto ${NUMERIC_DECIMALS} decimals are supported: ${value}`);
  }
  if (Math.abs(value) > NUMERIC_LIMIT) {
    throw invalid('Value must be between -5.0E9 and 5.0E9, inclusive');
  }
  return value;
}

/** Decimal places of the shortest text that round-trips the number (1e-7 has 7, 301.8 has 1). */
function decimalPlaces(value: number): number {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(value)));
  if (match === null) return 0;
  const fraction = match[2]?.length ?? 0;
  const exponent = Number(match[3] ?? 0);
  return Math.max(0, fraction - exponent);
}

/**
 * `anything-but`: a string, a number, a list of only strings or only numbers, or one of
 * `{ prefix | suffix | equals-ignore-case | wildcard: string | string[] }`. The result matches a
 * present value that none of the excluded matchers match.
 */
function compileAnythingBut(operand: unknown): ValueMatcher {
  if (isJsonObject(operand)) return { kind: 'anything-but', excluded: compileNegatedSet(operand) };
  if (typeof operand === 'string') return { kind: 'anything-but', excluded: [literal(operand)] };
  if (typeof operand === 'number' && Number.isFinite(operand)) {
    return { kind: 'anything-but', excluded: [literal(comparableNumber(operand))] };
  }
  if (!Array.isArray(operand)) {
    throw invalid('Value of anything-but must be an array or single string/number value.');
  }
  if (operand.some((value) => typeof value !== 'string' && typeof value !== 'number')) {
    throw invalid('Inside anything but list, start|null|boolean is not supported.');
  }
  const strings = operand.filter((value): value is string => typeof value === 'string');
  const numbers = operand.filter((value): value is number => typeof value === 'number');
  if (strings.length > 0 === numbers.length > 0) {
    throw invalid(
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    );
  }
  const excluded = strings.length > 0 ? strings : numbers.map(comparableNumber);
  return { kind: 'anything-but', excluded: excluded.map(literal) };
}

/** Exclusions are compared as written: anything-but does not give IP literals address semantics. */
function literal(value: string | number): ValueMatcher {
  return { kind: 'exact', value };
}

function compileNegatedSet(operand: Json): ValueMatcher[] {
  const [operator, values] = soleMember(operand, 'Anything-But expression name not found');
  const typeError: Record<string, string> = {
    prefix: 'prefix/suffix match pattern must be a string',
    suffix: 'prefix/suffix match pattern must be a string',
    'equals-ignore-case':
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    wildcard: 'wildcard match pattern must be a string',
  };
  if (!Object.hasOwn(typeError, operator)) {
    throw invalid(`Unsupported anything-but pattern: ${operator}`);
  }
  if (typeof values === 'number') throw invalid(typeError[operator]);
  if (typeof values !== 'string' && !Array.isArray(values)) {
    // Notably a nested modifier such as { "prefix": { "equals-ignore-case": ... } } is refused.
    throw invalid('Value of anything-but must be an array or single string/number value.');
  }
  const texts: unknown[] = typeof values === 'string' ? [values] : values;
  return texts.map((text) => {
    if (typeof text !== 'string') throw invalid(typeError[operator]);
    switch (operator) {
      case 'prefix':
      case 'suffix':
        // An empty affix would exclude every string, so EventBridge refuses it.
        if (text === '') throw invalid('Null prefix/suffix not allowed');
        return { kind: operator, value: text, ignoreCase: false };
      case 'equals-ignore-case':
        return { kind: 'equals-ignore-case', value: foldCase(text) };
      default:
        return { kind: 'wildcard', wildcard: parseWildcard(text) };
    }
  });
}

function display(value: unknown): string {
  return value === undefined ? ']' : JSON.stringify(value);
}
