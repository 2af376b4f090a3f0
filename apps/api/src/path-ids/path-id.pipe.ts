import { Injectable, type PipeTransform } from '@nestjs/common';
import { LedgerError } from '@ledger/errors';

/**
 * The grammar of every id a path carries. Ids the ledger hands out are `pay_<ULID>` and a bare
 * ULID (replays); the grammars are a little wider (letters, digits, `_`, `-`) so
 * ids written by hand in tests and scripts still work, but they never admit `#`, `%`, `/` or
 * anything else a storage key could be built from.
 */
export const PATH_ID_GRAMMARS = {
  payment: /^pay_[A-Za-z0-9_-]{1,64}$/,
  replay: /^[0-9A-Za-z]{26}$/,
} as const;

export type PathIdKind = keyof typeof PATH_ID_GRAMMARS;

/** A path id that does not follow its grammar: refused before anything is read or written. */
export class InvalidPathIdError extends LedgerError {
  readonly code: `invalid_${PathIdKind}_id`;
  readonly status = 400;

  constructor(readonly kind: PathIdKind) {
    super(`Not a valid ${kind} id`);
    this.code = `invalid_${kind}_id`;
  }
}

/** Checks one path parameter against its grammar (`@Param('paymentId', new PathIdPipe('payment'))`). */
@Injectable()
export class PathIdPipe implements PipeTransform<unknown, string> {
  constructor(private readonly kind: PathIdKind) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !PATH_ID_GRAMMARS[this.kind].test(value)) {
      throw new InvalidPathIdError(this.kind);
    }
    return value;
  }
}

/** The pipes for the path ids the API takes. */
export const PaymentIdPipe = new PathIdPipe('payment');
export const ReplayIdPipe = new PathIdPipe('replay');
