/** The webhook signature schemes the ledger can verify. */
export const SCHEME_NAMES = ['standard-webhooks', 'stripe', 'github', 'hmac-sha256'] as const;

export type SchemeName = (typeof SCHEME_NAMES)[number];

/** An inbound webhook as received: the exact body bytes and lower-cased header names. */
export interface WebhookRequest {
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** What a successful verification vouches for. */
export interface VerifiedDelivery {
  /** The sender's id for this delivery, when the scheme provides one. */
  readonly deliveryId: string | undefined;
  /** The signed send time; undefined for schemes that sign no timestamp (GitHub). */
  readonly timestamp: Date | undefined;
}

/** Verifies one scheme's signatures; throws a signature error instead of returning false. */
export interface SignatureVerifier {
  readonly scheme: SchemeName;
  verify(request: WebhookRequest): VerifiedDelivery;
}

export interface VerifierOptions {
  /** Every currently valid secret; during a key rotation the old and the new one both verify. */
  readonly secrets: readonly string[];
  /** Maximum distance, in either direction, between the signed timestamp and now. */
  readonly toleranceSeconds?: number;
  readonly clock?: () => Date;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Whether a string (e.g. from configuration) names a supported scheme. */
export function isSchemeName(value: string): value is SchemeName {
  return (SCHEME_NAMES as readonly string[]).includes(value);
}
