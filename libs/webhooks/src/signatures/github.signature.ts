import { InvalidSignatureError } from './signature.errors';
import {
  anyDigestMatches,
  decodeHexDigest,
  hmacSha256,
  readHeader,
  requireHeaders,
  resolveOptions,
} from './signature.primitives';
import type {
  SignatureVerifier,
  VerifiedDelivery,
  VerifierOptions,
  WebhookRequest,
} from './signature-scheme';

export const GITHUB_HEADERS = {
  signature: 'x-hub-signature-256',
  delivery: 'x-github-delivery',
} as const;

const SIGNATURE_PREFIX = 'sha256=';

/** The `x-hub-signature-256` value (`sha256=<hex>`) of one GitHub delivery. */
export function githubSignature(secret: string, rawBody: Buffer): string {
  return SIGNATURE_PREFIX + hmacSha256(Buffer.from(secret, 'utf8'), rawBody).toString('hex');
}

/**
 * Verifies GitHub's `X-Hub-Signature-256`. GitHub signs no timestamp, so there is no replay
 * window to enforce here; deduplicate on the delivery id instead.
 */
export class GithubVerifier implements SignatureVerifier {
  readonly scheme = 'github' as const;
  private readonly keys: readonly Buffer[];

  constructor(options: VerifierOptions) {
    this.keys = resolveOptions(this.scheme, options).secrets.map((secret) =>
      Buffer.from(secret, 'utf8'),
    );
  }

  /** Checks `sha256=<hex>` over the raw body; the delivery id is the `x-github-delivery` header. */
  verify(request: WebhookRequest): VerifiedDelivery {
    const header = requireHeaders(this.scheme, request.headers, [GITHUB_HEADERS.signature])[
      GITHUB_HEADERS.signature
    ];
    const presented = header.startsWith(SIGNATURE_PREFIX)
      ? decodeHexDigest(header.slice(SIGNATURE_PREFIX.length))
      : undefined;
    const expected = this.keys.map((key) => hmacSha256(key, request.rawBody));
    if (!anyDigestMatches(expected, presented ? [presented] : [])) {
      throw new InvalidSignatureError(this.scheme);
    }
    return {
      deliveryId: readHeader(this.scheme, request.headers, GITHUB_HEADERS.delivery),
      timestamp: undefined,
    };
  }
}
