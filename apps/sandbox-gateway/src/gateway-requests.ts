import { invalidRequest } from './gateway-api.error';

/** A valid `POST /v1/charges` body. */
export interface ChargeRequest {
  paymentId: string;
  amount: number;
  currency: string;
  orderId?: string;
  customerId?: string;
  description?: string;
}

/** A valid `POST /v1/charges/:id/refunds` body. */
export interface RefundRequest {
  refundId: string;
  amount: number;
  paymentId: string;
}

const MAX_TEXT = 255;
const CURRENCY = /^[A-Z]{3}$/;

type Json = Record<string, unknown>;

function asObject(body: unknown): Json {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest('The body must be a JSON object');
  }
  return body as Json;
}

function requiredText(body: Json, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT) {
    throw invalidRequest(`${name} must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

function optionalText(body: Json, name: string): string | undefined {
  return body[name] === undefined ? undefined : requiredText(body, name);
}

function positiveAmount(body: Json): number {
  const { amount } = body;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw invalidRequest('amount must be a positive integer of minor units');
  }
  return amount;
}

/** The charge a body asks for; throws 400 `invalid_request` naming the first bad field. */
export function parseChargeRequest(body: unknown): ChargeRequest {
  const json = asObject(body);
  const paymentId = requiredText(json, 'paymentId');
  const amount = positiveAmount(json);
  const { currency } = json;
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
    throw invalidRequest('currency must be an upper-case ISO 4217 code such as EUR');
  }
  const optional = {
    orderId: optionalText(json, 'orderId'),
    customerId: optionalText(json, 'customerId'),
    description: optionalText(json, 'description'),
  };
  return {
    paymentId,
    amount,
    currency,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

/** The refund a body asks for; throws 400 `invalid_request` naming the first bad field. */
export function parseRefundRequest(body: unknown): RefundRequest {
  const json = asObject(body);
  return {
    refundId: requiredText(json, 'refundId'),
    amount: positiveAmount(json),
    paymentId: requiredText(json, 'paymentId'),
  };
}
