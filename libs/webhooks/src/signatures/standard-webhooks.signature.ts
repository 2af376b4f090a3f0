import { InvalidSignatureError } from './signature.errors';
import {
  anyDigestMatches,
  assertWithinTolerance,
  decodeBase64Digest,
  hmacSha256,
  parseUnixSeconds,
  requireHeaders,
  resolveOptions,
  type ResolvedOptions,
} from './signature.primitives';
import type {
  SignatureVerifier,
  VerifiedDelivery,
  VerifierOptions,
  WebhookRequest,
} from './signature-scheme';

// We implement the scheme rather than depend on the `standardwebhooks` npm package: it hashes
// with a pure-JS SHA-256 over string payloads, while ingest needs node:crypto over raw Buffers.

export const STANDARD_WEBHOOKS_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/**
 * The same three headers as Svix (the common sender of Standard Webhooks) names them; the scheme
 * accepts either set.
 */
export const SVIX_HEADERS = {
  id: 'svix-id',
  timestamp: 'svix-timestamp',
  signature: 'svix-signature',
} as const;

type HeaderSet = typeof STANDARD_WEBHOOKS_HEADERS | typeof SVIX_HEADERS;

/**
 * The header set a request uses: `webhook-*` when it sends any of those, else `svix-*` when it
 * sends any of those, else `webhook-*` (so a request with neither is told the standard names).
 * One set is read whole, never a mix of the two.
 */
function headerSetOf(headers: WebhookRequest['headers']): HeaderSet {
  const sends = (set: HeaderSet): boolean =>
    Object.values(set).some((name) => headers[name] !== undefined);
  if (sends(STANDARD_WEBHOOKS_HEADERS)) return STANDARD_WEBHOOKS_HEADERS;
  return sends(SVIX_HEADERS) ? SVIX_HEADERS : STANDARD_WEBHOOKS_HEADERS;
}

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SYMMETRIC_VERSION = 'v1';

/** The HMAC key of a Standard Webhooks secret: base64, with or without the `whsec_` prefix. */
export function standardWebhooksKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length === 0) {
    throw new TypeError('A standard-webhooks secret must be base64, optionally prefixed whsec_');
  }
  return key;
}

/** The base64 v1 signature (without the `v1,` label) of one message. */
export function standardWebhooksSignature(
  secret: string,
  id: string,
  unixSeconds: string | number,
  rawBody: Buffer,
): string {
  return digest(standardWebhooksKey(secret), id, String(unixSeconds), rawBody).toString('base64');
}

function digest(key: Buffer, id: string, timestamp: string, rawBody: Buffer): Buffer {
  return hmacSha256(key, `${id}.${timestamp}.`, rawBody);
}

/** Verifies https://www.standardwebhooks.com symmetric (`v1`) signatures. */
export class StandardWebhooksVerifier implements SignatureVerifier {
  readonly scheme = 'standard-webhooks' as const;
  private readonly options: ResolvedOptions;
  private readonly keys: readonly Buffer[];

  constructor(options: VerifierOptions) {
    this.options = resolveOptions(this.scheme, options);
    this.keys = this.options.secrets.map(standardWebhooksKey);
  }

  /**
   * Checks the signature over `id.timestamp.body`, then the timestamp tolerance; the headers are
   * `webhook-*` or Svix's `svix-*`.
   */
  verify(request: WebhookRequest): VerifiedDelivery {
    const { id, timestamp, signature } = headerSetOf(request.headers);
    const headers = requireHeaders(this.scheme, request.headers, [id, timestamp, signature]);
    const unixSeconds = parseUnixSeconds(this.scheme, headers[timestamp]);

    // Other versions (e.g. asymmetric `v1a`) may sit alongside ours; they are not ours to check.
    const presented = headers[signature].split(' ').flatMap((entry) => {
      const comma = entry.indexOf(',');
      const decoded =
        comma >= 0 && entry.slice(0, comma) === SYMMETRIC_VERSION
          ? decodeBase64Digest(entry.slice(comma + 1))
          : undefined;
      return decoded === undefined ? [] : [decoded];
    });
    // Sign the timestamp exactly as sent, not as re-formatted from the parsed number.
    const expected = this.keys.map((key) =>
      digest(key, headers[id], headers[timestamp], request.rawBody),
    );
    if (!anyDigestMatches(expected, presented)) throw new InvalidSignatureError(this.scheme);

    // Only after authentication: a forger learns nothing about our clock or window.
    assertWithinTolerance(this.scheme, unixSeconds, this.options);
    return { deliveryId: headers[id], timestamp: new Date(unixSeconds * 1000) };
  }
}
