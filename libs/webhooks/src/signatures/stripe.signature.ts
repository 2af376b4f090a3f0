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

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

/** The hex `v1` signature of one Stripe event; the whole `whsec_...` secret is the UTF-8 key. */
export function stripeSignature(
  secret: string,
  unixSeconds: string | number,
  rawBody: Buffer,
): string {
  return digest(Buffer.from(secret, 'utf8'), String(unixSeconds), rawBody).toString('hex');
}

function digest(key: Buffer, timestamp: string, rawBody: Buffer): Buffer {
  return hmacSha256(key, `${timestamp}.`, rawBody);
}

/** Splits `t=...,v1=...,v0=...` into its timestamp and v1 signatures; v0 and others are ignored. */
function parseStripeHeader(value: string): { timestamps: string[]; signatures: string[] } {
  const timestamps: string[] = [];
  const signatures: string[] = [];
  for (const element of value.split(',')) {
    const equals = element.indexOf('=');
    if (equals < 0) continue;
    const key = element.slice(0, equals).trim();
    const item = element.slice(equals + 1).trim();
    if (key === 't') timestamps.push(item);
    else if (key === 'v1') signatures.push(item);
  }
  return { timestamps, signatures };
}

/** Verifies Stripe's `Stripe-Signature` header (scheme `v1`). */
export class StripeVerifier implements SignatureVerifier {
  readonly scheme = 'stripe' as const;
  private readonly options: ResolvedOptions;
  private readonly keys: readonly Buffer[];

  constructor(options: VerifierOptions) {
    this.options = resolveOptions(this.scheme, options);
    this.keys = this.options.secrets.map((secret) => Buffer.from(secret, 'utf8'));
  }

  /** Checks any `v1` signature over `t.body`, then the tolerance; the event id comes from the body. */
  verify(request: WebhookRequest): VerifiedDelivery {
    const header = requireHeaders(this.scheme, request.headers, [STRIPE_SIGNATURE_HEADER])[
      STRIPE_SIGNATURE_HEADER
    ];
    const { timestamps, signatures } = parseStripeHeader(header);
    // Two `t=` would leave it open which one was signed; a genuine header never has that.
    if (timestamps.length !== 1) {
      throw new InvalidSignatureError(this.scheme, 'the header needs exactly one t= element');
    }
    const [timestamp] = timestamps;
    const unixSeconds = parseUnixSeconds(this.scheme, timestamp);

    const presented = signatures
      .map(decodeHexDigest)
      .filter((value): value is Buffer => value !== undefined);
    const expected = this.keys.map((key) => digest(key, timestamp, request.rawBody));
    if (!anyDigestMatches(expected, presented)) throw new InvalidSignatureError(this.scheme);

    // Only after authentication: a forger learns nothing about our clock or window.
    assertWithinTolerance(this.scheme, unixSeconds, this.options);
    return { deliveryId: payloadId(request.rawBody), timestamp: new Date(unixSeconds * 1000) };
  }
}
