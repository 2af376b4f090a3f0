import { GatewayApiError } from '../gateway-api.error';

/** Stripe's error types, as its API names them in `error.type`. */
export type StripeErrorType =
  'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

/** Extra members of a Stripe error body. */
export interface StripeErrorDetails {
  declineCode?: string;
  param?: string;
  /** The declined PaymentIntent, as Stripe returns it with a card error. */
  paymentIntent?: unknown;
  /** The failed charge's id. */
  charge?: string;
}

/**
 * An answer of the sandbox's Stripe mode other than success, in Stripe's shape:
 * `{ error: { type, code, decline_code, message, param } }` (the shared error handler sends it).
 */
export class StripeApiError extends GatewayApiError {
  constructor(
    status: number,
    readonly type: StripeErrorType,
    code: string,
    message: string,
    private readonly extra: StripeErrorDetails = {},
  ) {
    super(status, code, message);
  }

  override toBody(): { error: { code: string; message: string } & Record<string, unknown> } {
    return {
      error: {
        type: this.type,
        code: this.code,
        message: this.message,
        ...(this.extra.declineCode !== undefined && { decline_code: this.extra.declineCode }),
        ...(this.extra.param !== undefined && { param: this.extra.param }),
        ...(this.extra.charge !== undefined && { charge: this.extra.charge }),
        ...(this.extra.paymentIntent !== undefined && { payment_intent: this.extra.paymentIntent }),
      },
    };
  }
}

/** 400 `invalid_request_error`, naming the parameter at fault. */
export const stripeInvalidRequest = (
  code: string,
  message: string,
  param?: string,
): StripeApiError =>
  new StripeApiError(400, 'invalid_request_error', code, message, {
    ...(param !== undefined && { param }),
  });

/** 404 `resource_missing` for an id the sandbox never issued. */
export const stripeNoSuch = (what: string, id: string, param = 'id'): StripeApiError =>
  new StripeApiError(404, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`, {
    param,
  });
