/**
 * The gateway's response bodies as JSON Schemas (draft 2020-12), checked with Ajv. A body that
 * fails its schema is unreadable: the adapter then reports what it can still tell (see
 * `http-payment-gateway.ts`). Objects stay open, as a gateway's answers grow, but what a check
 * passes holds only the members named here (`removeAdditional`), so nothing unrecorded leaks on.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { GatewayCharge, GatewayRefund } from '../payment-gateway.port';

const ajv = new Ajv2020({ removeAdditional: 'all' });

const CHARGE_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { enum: ['succeeded', 'declined'] },
    amount: { type: 'number' },
    currency: { type: 'string' },
    paymentId: { type: 'string' },
    declineCode: { type: 'string' },
  },
  required: ['id', 'status', 'amount', 'currency', 'paymentId'],
} as const;

const REFUND_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { enum: ['succeeded', 'failed'] },
    amount: { type: 'number' },
    chargeId: { type: 'string' },
  },
  required: ['id', 'status', 'amount', 'chargeId'],
} as const;

/** `GET /v1/charges?paymentId=`: newest first; each item is read as a charge when needed. */
const CHARGE_LIST_SCHEMA = {
  type: 'object',
  properties: { data: { type: 'array' } },
  required: ['data'],
} as const;

/** A refusal's body: every member optional, the most specific code is picked from them. */
const REFUSAL_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        declineCode: { type: 'string' },
        decline_code: { type: 'string' },
      },
    },
    charge: {
      type: 'object',
      properties: { id: { type: 'string' }, declineCode: { type: 'string' } },
    },
  },
} as const;

/** What a refusal (402 and every non-retryable 4xx) may say about itself. */
export interface GatewayRefusal {
  error?: { code?: string; message?: string; declineCode?: string; decline_code?: string };
  charge?: { id?: string; declineCode?: string };
}

const isCharge = ajv.compile<GatewayCharge>(CHARGE_SCHEMA);
const isRefund = ajv.compile<GatewayRefund>(REFUND_SCHEMA);
const isChargeList = ajv.compile<{ data: unknown[] }>(CHARGE_LIST_SCHEMA);
const isRefusal = ajv.compile<GatewayRefusal>(REFUSAL_SCHEMA);

/** A charge body (`POST /v1/charges`, or one item of a list), or undefined when malformed. */
export function readCharge(body: unknown): GatewayCharge | undefined {
  return isCharge(body) ? body : undefined;
}

/** A refund body (`POST /v1/charges/{id}/refunds`), or undefined when malformed. */
export function readRefund(body: unknown): GatewayRefund | undefined {
  return isRefund(body) ? body : undefined;
}

/** The items of a charge list, or undefined when the body is no list. */
export function readChargeList(body: unknown): unknown[] | undefined {
  return isChargeList(body) ? body.data : undefined;
}

/** A refusal's details; a body that does not have this shape says nothing (`{}`). */
export function readRefusal(body: unknown): GatewayRefusal {
  return isRefusal(body) ? body : {};
}
