import { LedgerError } from '@ledger/errors';

/** The gateway adapter was configured with options it cannot work with (a deployment error). */
export class InvalidGatewayOptionsError extends LedgerError {
  readonly code = 'invalid_gateway_options';
  readonly status = 500;

  constructor(readonly problems: readonly string[]) {
    // Only option names and numbers: the API key is never echoed, even when it is the problem.
    super(`Invalid payment gateway options: ${problems.join('; ')}`);
  }
}

/**
 * The request could not be sent or its answer could not be read (refused, reset, DNS...).
 * Internal to the adapter: it becomes a `network_error` attempt and never escapes.
 */
export class GatewayNetworkError extends LedgerError {
  readonly code = 'gateway_unreachable';
  readonly status = 502;

  constructor(readonly reason: string) {
    // The code only (ECONNRESET, ...): the underlying error is not kept as `cause`, so no
    // request detail can leak through it.
    super(`The payment gateway could not be reached (${reason})`);
  }
}

/** A call on a gateway client after its `close()`: a wiring error, not a gateway outcome. */
export class GatewayClientClosedError extends LedgerError {
  readonly code = 'gateway_client_closed';
  readonly status = 503;

  constructor() {
    super('The payment gateway client was closed; no request was sent');
  }
}
