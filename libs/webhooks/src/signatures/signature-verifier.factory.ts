import { GithubVerifier } from './github.signature';
import { HmacSha256Verifier } from './hmac-sha256.signature';
import type { SchemeName, SignatureVerifier, VerifierOptions } from './signature-scheme';
import { StandardWebhooksVerifier } from './standard-webhooks.signature';
import { StripeVerifier } from './stripe.signature';

/** The verifier for a scheme; throws on a configuration that could never verify (no secrets). */
export function createVerifier(scheme: SchemeName, options: VerifierOptions): SignatureVerifier {
  switch (scheme) {
    case 'standard-webhooks':
      return new StandardWebhooksVerifier(options);
    case 'stripe':
      return new StripeVerifier(options);
    case 'github':
      return new GithubVerifier(options);
    case 'hmac-sha256':
      return new HmacSha256Verifier(options);
    default: {
      // Schemes usually come from configuration, so guard at runtime too, not only in types.
      const unknown: never = scheme;
      throw new TypeError(`Unknown webhook signature scheme: ${String(unknown)}`);
    }
  }
}
