/**
 * The `Prefer` request header (RFC 7240): a comma-separated list of preferences, each a token with
 * an optional value and optional `;`-separated parameters, e.g. `respond-async, wait=10` or
 * `return=minimal; foo="a,b"`. Several `Prefer` headers read as one list. Names are
 * case-insensitive; a quoted-string value may hold commas and semicolons.
 */

/** One preference: its lower-cased name, its value (unquoted) if any, and its parameters. */
export interface Preference {
  name: string;
  value?: string;
  parameters: Record<string, string | undefined>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Splits `text` at `separator`, except inside quoted-strings (with their `\` escapes). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i += 1;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/** A `word` (token or quoted-string) as its plain text; undefined when it is neither. */
function wordOf(text: string): string | undefined {
  if (TOKEN.test(text)) return text;
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    return text.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return undefined;
}

/** `name[=word]` with the whitespace RFC 7240 allows around `=`; undefined when malformed. */
function nameAndValue(text: string): { name: string; value?: string } | undefined {
  const at = text.indexOf('=');
  const name = (at === -1 ? text : text.slice(0, at)).trim();
  if (!TOKEN.test(name)) return undefined;
  if (at === -1) return { name: name.toLowerCase() };
  const value = wordOf(text.slice(at + 1).trim());
  return value === undefined ? undefined : { name: name.toLowerCase(), value };
}

/**
 * The preferences of every `Prefer` header of a request, in order. A malformed preference is
 * ignored (a server may ignore any preference it does not understand); when a name comes twice,
 * the first one counts, as the RFC says.
 */
export function parsePrefer(header: string | readonly string[] | undefined): Preference[] {
  const headers = header === undefined ? [] : typeof header === 'string' ? [header] : header;
  const preferences: Preference[] = [];
  const seen = new Set<string>();
  for (const item of headers.flatMap((text) => splitOutsideQuotes(text, ','))) {
    const [head = '', ...parameterTexts] = splitOutsideQuotes(item, ';');
    if (head.trim() === '') continue;
    const preference = nameAndValue(head);
    if (preference === undefined || seen.has(preference.name)) continue;
    const parameters: Record<string, string | undefined> = {};
    for (const parameterText of parameterTexts) {
      if (parameterText.trim() === '') continue;
      const parameter = nameAndValue(parameterText);
      if (parameter !== undefined) parameters[parameter.name] = parameter.value;
    }
    seen.add(preference.name);
    preferences.push({ ...preference, parameters });
  }
  return preferences;
}

/** Whether the request prefers an asynchronous answer (`Prefer: respond-async`). */
export function prefersRespondAsync(header: string | readonly string[] | undefined): boolean {
  return parsePrefer(header).some((preference) => preference.name === 'respond-async');
}
