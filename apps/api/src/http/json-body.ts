import { ValidationFailedError } from '@ledger/errors';
import { BodyTooDeepError, MalformedBodyError } from './http.errors';

/** Deeper than any body the API accepts (the replay scope is the deepest, at 3). */
export const MAX_JSON_DEPTH = 16;

/** Member names that reach into an object's prototype; no DTO has one, so they are refused. */
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of objects and arrays in a JSON text, found in one pass over the bytes
 * without parsing, stopping as soon as it passes `limit`: a hostile 3,000-level body costs a scan,
 * not a parse and a recursive validation.
 */
export function jsonDepthExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Paths of members named like prototype machinery, anywhere in a parsed (depth-bounded) value. */
function prototypeMembers(value: unknown, path: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const key of Object.keys(value)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (PROTOTYPE_NAMES.has(key)) found.push(here);
    else found.push(...prototypeMembers((value as Record<string, unknown>)[key], here));
  }
  return found;
}

/**
 * Parses a JSON request body: depth bounded before parsing, members that name prototype
 * machinery refused after. JSON.parse makes `__proto__` an own member, never a prototype.
 */
export function parseJsonBody(bytes: Buffer): unknown {
  if (jsonDepthExceeds(bytes, MAX_JSON_DEPTH)) throw new BodyTooDeepError(MAX_JSON_DEPTH);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MalformedBodyError('The body is not valid JSON');
  }
  const refused = prototypeMembers(value, '');
  if (refused.length > 0) {
    throw new ValidationFailedError(
      'The request is not valid',
      refused.map((path) => `property ${path} should not exist`),
    );
  }
  return value;
}
