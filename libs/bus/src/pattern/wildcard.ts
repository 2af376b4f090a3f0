import { InvalidEventPatternError } from './event-pattern.errors';

/** A parsed `wildcard` value: the literal text between its unescaped `*` characters. */
export interface Wildcard {
  /** Always one more segment than there are wildcards; `["dir/", ".png"]` for `dir/*.png`. */
  readonly segments: readonly string[];
}

/**
 * Parses a `wildcard` value with EventBridge's rules: `*` matches any run of characters (including
 * none), `\*` is a literal star, `\\` a literal backslash; any other escape, a trailing backslash,
 * or two consecutive wildcards make the pattern invalid.
 */
export function parseWildcard(pattern: string): Wildcard {
  const segments: string[] = [];
  let current = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '*') {
      if (pattern[index + 1] === '*') {
        throw new InvalidEventPatternError(
          `Consecutive wildcard characters at pos ${position(pattern, index)}`,
        );
      }
      segments.push(current);
      current = '';
    } else if (char === '\\') {
      const next = pattern[index + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(
          `Invalid escape character at pos ${position(pattern, index)}`,
        );
      }
      current += next;
      index++;
    } else {
      current += char;
    }
  }
  segments.push(current);
  return { segments };
}

/**
 * EventBridge reports positions as UTF-8 byte offsets within the quoted JSON string, so the first
 * character is at 1; reproducing that keeps our messages identical to the real ones.
 */
function position(pattern: string, index: number): number {
  let bytes = 0;
  for (const char of pattern.slice(0, index)) {
    const codePoint = char.codePointAt(0) ?? 0;
    bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
  return bytes + 1;
}

/**
 * Whether the string matches. No regular expression is built: anchoring the first and last
 * segments and placing each middle segment at its leftmost occurrence is exact for `*`-only globs,
 * and it cannot backtrack catastrophically on hostile input.
 */
export function matchesWildcard(wildcard: Wildcard, value: string): boolean {
  const { segments } = wildcard;
  const first = segments[0];
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1];
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  const end = value.length - last.length;
  let cursor = first.length;
  for (let index = 1; index < segments.length - 1; index++) {
    const segment = segments[index];
    const at = value.indexOf(segment, cursor);
    if (at === -1 || at + segment.length > end) return false;
    cursor = at + segment.length;
  }
  return true;
}
