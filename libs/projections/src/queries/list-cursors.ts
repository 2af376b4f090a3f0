import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { LedgerError } from '@ledger/errors';

/** A list cursor this server did not issue, or issued for other filters. */
export class InvalidCursorError extends LedgerError {
  readonly code = 'invalid_cursor';
  readonly status = 400;

  constructor(message = 'The cursor is not a nextCursor of this list') {
    super(message);
  }
}

const VERSION = 'c1';

/**
 * Seals the store's position in a list into a tamper-evident cursor: the position, then an
 * HMAC-SHA256 over the position and the filters it belongs to, under a server key. A cursor that
 * was altered, forged, or paired with other filters (another tenant, another range) fails the
 * check and never reaches the store. Instances sharing the key accept each other's cursors.
 */
export class ListCursors {
  private readonly key: Buffer;

  /** `key`: the configured cursor key; none = a random one, valid in this process only. */
  constructor(key?: string) {
    this.key = key === undefined ? randomBytes(32) : Buffer.from(key, 'utf8');
  }

  seal(position: string, filters: Record<string, unknown>): string {
    const payload = Buffer.from(position, 'utf8').toString('base64url');
    return `${VERSION}.${payload}.${this.mac(payload, filters)}`;
  }

  /** The position a cursor holds; throws {@link InvalidCursorError} unless this server sealed it for `filters`. */
  open(cursor: string, filters: Record<string, unknown>): string {
    const [version, payload, mac, ...rest] = cursor.split('.');
    if (version !== VERSION || payload === undefined || mac === undefined || rest.length > 0) {
      throw new InvalidCursorError();
    }
    const expected = Buffer.from(this.mac(payload, filters), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InvalidCursorError();
    }
    return Buffer.from(payload, 'base64url').toString('utf8');
  }

  private mac(payload: string, filters: Record<string, unknown>): string {
    return createHmac('sha256', this.key)
      .update(`${VERSION}\n${stringify(filters)}\n${payload}`)
      .digest('base64url');
  }
}
