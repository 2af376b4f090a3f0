import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  InvalidSignatureError,
  MissingSignatureHeadersError,
  TimestampOutOfToleranceError,
} from './signature.errors';
import {
  DEFAULT_TOLERANCE_SECONDS,
  type SchemeName,
  type VerifierOptions,
  type WebhookRequest,
} from './signature-scheme';

// Shared building blocks of the scheme verifiers; internal to this library (not re-exported).

/** Options with defaults applied and checked once, at construction rather than per request. */
export interface ResolvedOptions {
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  readonly clock: () => Date;
}

/** Applies defaults and rejects a configuration that could never verify anything. */
export function resolveOptions(scheme: SchemeName, options: VerifierOptions): ResolvedOptions {
  const { secrets, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, clock } = options;
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw new TypeError(`The ${scheme} verifier needs at least one non-empty secret`);
  }
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError(`The ${scheme} timestamp tolerance must be a finite number >= 0`);
  }
  return { secrets: [...secrets], toleranceSeconds, clock: clock ?? (() => new Date()) };
}

/** HMAC-SHA256 over the parts in order, fed incrementally so the body is never copied. */
export function hmacSha256(key: Buffer, ...parts: ReadonlyArray<string | Buffer>): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** Constant-time equality; differing lengths fail after an equal-cost comparison. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    // Spend the same work as a real comparison so only the length, never the content, shows.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Whether any presented digest equals any expected one, comparing every pair without early exit. */
export function anyDigestMatches(
  expected: readonly Buffer[],
  presented: readonly Buffer[],
): boolean {
  let matched = false;
  for (const digest of expected) {
    for (const candidate of presented) {
      // Evaluate the comparison first so the loop's cost doesn't depend on an earlier match.
      matched = constantTimeEqual(digest, candidate) || matched;
    }
  }
  return matched;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Decodes a hex SHA-256 digest, or undefined when malformed: Buffer.from() silently stops at the
 * first bad character, so without the strict check "<valid hex>junk" would also verify.
 */
export function decodeHexDigest(value: string): Buffer | undefined {
  return HEX_SHA256.test(value) ? Buffer.from(value, 'hex') : undefined;
}

/** Decodes a padded base64 SHA-256 digest, or undefined when malformed (see decodeHexDigest). */
export function decodeBase64Digest(value: string): Buffer | undefined {
  return BASE64_SHA256.test(value) ? Buffer.from(value, 'base64') : undefined;
}

/**
 * One header's value, undefined when absent or empty. A repeated header is refused: which copy
 * a proxy or framework keeps differs, and verifying one copy while logging another invites bugs.
 */
export function readHeader(
  scheme: SchemeName,
  headers: WebhookRequest['headers'],
  name: string,
): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) {
    if (value.length > 1) throw new InvalidSignatureError(scheme, `header ${name} is repeated`);
    return value[0] || undefined;
  }
  return value || undefined;
}

/** The values of all required headers, or one error naming every missing header. */
export function requireHeaders<Name extends string>(
  scheme: SchemeName,
  headers: WebhookRequest['headers'],
  names: readonly Name[],
): Record<Name, string> {
  const values = {} as Record<Name, string>;
  const missing: string[] = [];
  for (const name of names) {
    const value = readHeader(scheme, headers, name);
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  if (missing.length > 0) throw new MissingSignatureHeadersError(scheme, missing);
  return values;
}

const UNIX_SECONDS = /^[0-9]{1,12}$/;

/** Parses a unix-seconds timestamp; anything but plain digits is treated as a forged header. */
export function parseUnixSeconds(scheme: SchemeName, value: string): number {
  if (!UNIX_SECONDS.test(value)) {
    throw new InvalidSignatureError(scheme, 'the timestamp is not unix seconds');
  }
  return Number(value);
}

/** Rejects a timestamp further than the tolerance from now, in the past (replay) or future. */
export function assertWithinTolerance(
  scheme: SchemeName,
  unixSeconds: number,
  options: ResolvedOptions,
): void {
  // Senders sign whole seconds, so compare whole seconds: a tolerance of 300 then admits exactly
  // 300 s of drift whatever the millisecond part of our clock.
  const nowSeconds = Math.floor(options.clock().getTime() / 1000);
  if (Math.abs(nowSeconds - unixSeconds) > options.toleranceSeconds) {
    throw new TimestampOutOfToleranceError(
      scheme,
      new Date(unixSeconds * 1000),
      options.toleranceSeconds,
    );
  }
}

/** The payload's top-level string `id`; only call after verification, since it parses the body. */
export function payloadId(rawBody: Buffer): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const id = (parsed as Record<string, unknown>).id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** A body given as text is signed as its UTF-8 bytes. */
export function toBytes(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Whole unix seconds of a date, as senders put them on the wire. */
export function toUnixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
