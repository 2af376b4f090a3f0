import { LedgerError } from '@ledger/errors';

/** An answer of the sandbox API other than success: a status and a stable `code`. */
export class GatewayApiError extends LedgerError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The wire body every sandbox error shares. */
  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** 400 `invalid_request`, for a body or query the gateway cannot accept. */
export const invalidRequest = (message: string): GatewayApiError =>
  new GatewayApiError(400, 'invalid_request', message);
