import { randomUUID } from 'node:crypto';
import { GITHUB_HEADERS, githubSignature } from './github.signature';
import { HMAC_SHA256_HEADERS, hmacSha256Signature } from './hmac-sha256.signature';
import { toBytes, toUnixSeconds } from './signature.primitives';
import type { SchemeName } from './signature-scheme';
import {
  STANDARD_WEBHOOKS_HEADERS,
  standardWebhooksSignature,
} from './standard-webhooks.signature';
import { STRIPE_SIGNATURE_HEADER, stripeSignature } from './stripe.signature';

export interface SignOptions {
  /**
   * Delivery id. Standard Webhooks signs it (a `msg_<uuid>` is generated when absent); GitHub and
   * hmac-sha256 send it unsigned as a header; Stripe takes the id from the body, so it is ignored.
   */
  readonly id?: string;
  /** Send time to sign (whole seconds are used); defaults to now. Ignored by GitHub. */
  readonly timestamp?: Date;
}

/** The headers (lower-case names) a sender of `scheme` would attach to `body`. */
export function signFor(
  scheme: SchemeName,
  secret: string,
  body: Buffer | string,
  options: SignOptions = {},
): Record<string, string> {
  const rawBody = toBytes(body);
  const unixSeconds = toUnixSeconds(options.timestamp ?? new Date());
  const { id } = options;
  switch (scheme) {
    case 'standard-webhooks': {
      const messageId = id ?? `msg_${randomUUID()}`;
      const signature = standardWebhooksSignature(secret, messageId, unixSeconds, rawBody);
      return {
        [STANDARD_WEBHOOKS_HEADERS.id]: messageId,
        [STANDARD_WEBHOOKS_HEADERS.timestamp]: String(unixSeconds),
        [STANDARD_WEBHOOKS_HEADERS.signature]: `v1,${signature}`,
      };
    }
    case 'stripe':
      return {
        [STRIPE_SIGNATURE_HEADER]: `t=${unixSeconds},v1=${stripeSignature(secret, unixSeconds, rawBody)}`,
      };
    case 'github':
      return {
        [GITHUB_HEADERS.signature]: githubSignature(secret, rawBody),
        ...(id !== undefined && { [GITHUB_HEADERS.delivery]: id }),
      };
    case 'hmac-sha256':
      return {
        [HMAC_SHA256_HEADERS.timestamp]: String(unixSeconds),
        [HMAC_SHA256_HEADERS.signature]: hmacSha256Signature(secret, unixSeconds, rawBody),
      };
    default: {
      const unknown: never = scheme;
      throw new TypeError(`Unknown webhook signature scheme: ${String(unknown)}`);
    }
  }
}
