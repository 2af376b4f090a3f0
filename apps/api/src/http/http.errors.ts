import { LedgerError } from '@ledger/errors';
import { MalformedPayloadError } from '@ledger/webhooks';

/**
 * A request body that is not the JSON its media type says it is: the webhooks' own
 * MalformedPayloadError, whose code (`malformed_payload`) it answers with, raised by the parser.
 */
export class MalformedBodyError extends MalformedPayloadError {}

/** A JSON body nested deeper than the API ever needs; refused before it is parsed. */
export class BodyTooDeepError extends LedgerError {
  readonly code = 'payload_too_deep';
  readonly status = 400;

  constructor(readonly maxDepth: number) {
    super(`The JSON body is nested deeper than ${maxDepth} levels`);
  }

  override details(): Record<string, unknown> {
    return { maxDepth: this.maxDepth };
  }
}

/** A path the router cannot read (bad percent-encoding). */
export class InvalidUrlError extends LedgerError {
  readonly code = 'invalid_url';
  readonly status = 400;
}

/** A path parameter longer than any identifier the API issues. */
export class UriTooLongError extends LedgerError {
  readonly code = 'uri_too_long';
  readonly status = 414;
}

/** The path exists, but not for this method; `Allow` lists the methods it has. */
export class MethodNotAllowedError extends LedgerError {
  readonly code = 'method_not_allowed';
  readonly status = 405;

  constructor(
    method: string,
    readonly allow: readonly string[],
  ) {
    super(`${method} is not allowed here; allowed: ${allow.join(', ')}`);
  }

  override details(): Record<string, unknown> {
    return { allow: [...this.allow] };
  }

  override responseHeaders(): Record<string, string> {
    return { allow: this.allow.join(', ') };
  }
}
