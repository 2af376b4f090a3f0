import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../auth/api-keys';

/** The console's session cookie. */
export const SESSION_COOKIE = 'ledger_console';
/** How long a console session lasts: a revoked API key's sessions end within this. */
export const SESSION_TTL_SECONDS = 60 * 60;

interface SessionClaims {
  principal: Principal;
  /** Expiry, epoch seconds. */
  exp: number;
}

/**
 * Signs and verifies the console's session tokens: the principal an API key resolved to at
 * sign-in and an expiry, HMAC-SHA256 sealed. The key is derived from `api.cursorKey` (its own
 * purpose label, so a cursor is never a session) or, without one, random per process (sessions
 * then last as long as the process, as cursors do).
 */
export class ConsoleSessions {
  private readonly key: Buffer;

  constructor(
    secret: string | undefined,
    private readonly clock: () => Date,
  ) {
    this.key =
      secret === undefined
        ? randomBytes(32)
        : createHmac('sha256', secret).update('ledger console session v1').digest();
  }

  /** A token for `principal`, valid for {@link SESSION_TTL_SECONDS}. */
  issue(principal: Principal): string {
    const claims: SessionClaims = {
      principal,
      exp: Math.floor(this.clock().getTime() / 1000) + SESSION_TTL_SECONDS,
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The principal of a token this server issued and that has not expired; otherwise undefined. */
  verify(token: string | undefined): Principal | undefined {
    if (token === undefined) return undefined;
    const [body, signature, ...rest] = token.split('.');
    if (body === undefined || signature === undefined || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(body));
    const presented = Buffer.from(signature);
    if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
      return undefined;
    }
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionClaims;
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.clock().getTime()) {
        return undefined;
      }
      return claims.principal;
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
