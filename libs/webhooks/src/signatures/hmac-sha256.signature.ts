import { InvalidSignatureError } from './signature.errors';
import {
  anyDigestMatches,
  assertWithinTolerance,
  decodeHexDigest,
  hmacSha256,
  parseUnixSeconds,
  payloadId,
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

export const HMAC_SHA256_HEADERS = {
  timestamp: 'x-timestamp',
  signature: 'x-signature',
} as const;

/** The hex `x-signature` value of one message: HMAC-SHA256 of `timestamp.body`, UTF-8 secret. */
export function hmacSha256Signature(
  secret: string,
  unixSeconds: string | number,
  rawBody: Buffer,
): string {
  return digest(Buffer.from(secret, 'utf8'), String(unixSeconds), rawBody).toString('hex');
}

function digest(key: Buffer, timestamp: string, rawBody: Buffer): Buffer {
  return hmacSha256(key, `${timestamp}.`, rawBody);
}

/** Verifies the ledger's own simple scheme: `x-timestamp` + hex `x-signature`. */
export class HmacSha256Verifier implements SignatureVerifier {
  readonly scheme = 'hmac-sha256' as const;
  private readonly options: ResolvedOptions;
  private readonly keys: readonly Buffer[];

  constructor(options: VerifierOptions) {
    this.options = resolveOptions(this.scheme, options);
    this.keys = this.options.secrets.map((secret) => Buffer.from(secret, 'utf8'));
  }

  /** Checks the signature over `timestamp.body`, then the tolerance. */
  verify(request: WebhookRequest): VerifiedDelivery {
    const { timestamp, signature } = HMAC_SHA256_HEADERS;
    const headers = requireHeaders(this.scheme, request.headers, [timestamp, signature]);
    const unixSeconds = parseUnixSeconds(this.scheme, headers[timestamp]);

    const presented = decodeHexDigest(headers[signature]);
    const expected = this.keys.map((key) => digest(key, headers[timestamp], request.rawBody));
    if (!anyDigestMatches(expected, presented ? [presented] : [])) {
      throw new InvalidSignatureError(this.scheme);
    }

    // Only after authentication: a forger learns nothing about our clock or window.
    assertWithinTolerance(this.scheme, unixSeconds, this.options);
    return {
      // Only the signed payload's own id names the delivery: an unsigned header could be swapped
      // on a replay inside the tolerance window and slip past deduplication.
      deliveryId: payloadId(request.rawBody),
      timestamp: new Date(unixSeconds * 1000),
    };
  }
}
