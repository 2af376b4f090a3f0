import type { BreakerState, GatewayAttemptData } from '@ledger/ledger';

/** What the ledger asks the gateway to charge; amounts are integer minor units. */
export interface ChargeRequest {
  paymentId: string;
  amount: number;
  currency: string;
  orderId?: string;
  customerId?: string;
  description?: string;
}

/** Part (or all) of a captured charge back; `refundId` is ours, `chargeId` the gateway's. */
export interface RefundRequest {
  chargeId: string;
  refundId: string;
  amount: number;
  paymentId: string;
}

/**
 * One outbound call attempt as the ledger records it. A type alias rather than an empty
 * interface so the two can never drift apart.
 */
export type AttemptRecord = GatewayAttemptData;

/** Per-operation inputs that are not part of the request body. */
export interface CallContext {
  /** The SAME Idempotency-Key header on every attempt of one operation. */
  idempotencyKey: string;
  operation: 'charge' | 'refund';
  /** Required when `operation` is `refund`. */
  refundId?: string;
  /**
   * Awaited from INSIDE each attempt (not from policy listeners), after it ends and before the
   * next starts. If it rejects, the operation stops and rejects with that error: an attempt the
   * ledger could not record must not be followed by more unrecorded ones.
   */
  onAttempt(record: AttemptRecord): Promise<void>;
}

/** Why an operation never reached the gateway at all. */
export type NotAttemptedReason = 'circuit_open' | 'bulkhead_rejected';

/**
 * How one gateway operation ended.
 * - `succeeded` / `declined`: the gateway answered definitively (`declined` = it refused; no money moved).
 * - `unknown`: the gateway may have acted but never answered definitively; reconcile with `findCharge`.
 * - `not_attempted`: no attempt of the operation left this process; money certainly did not move.
 */
export type GatewayOutcome<T> =
  | { outcome: 'succeeded'; value: T; httpStatus: number }
  | { outcome: 'declined'; code: string; reason: string; httpStatus: number }
  | { outcome: 'unknown'; reason: string }
  | {
      outcome: 'not_attempted';
      reason: NotAttemptedReason;
      /** When the breaker refused: how long until it lets a call through again (half-open). */
      retryAfterMs?: number;
    };

/** A charge as the gateway reports it. */
export interface GatewayCharge {
  id: string;
  status: 'succeeded' | 'declined';
  amount: number;
  currency: string;
  paymentId: string;
  declineCode?: string;
}

/** A refund as the gateway reports it. */
export interface GatewayRefund {
  id: string;
  status: 'succeeded' | 'failed';
  amount: number;
  chargeId: string;
}

/** The circuit breaker's state, as `GET /health` and attempt records show it. */
export type GatewayCircuitState = BreakerState;

/** The payment gateway capability; one adapter per gateway, resilience inside the adapter. */
export interface PaymentGateway {
  /** Charges once per idempotency key, retrying safely; every attempt goes to `context.onAttempt`. */
  charge(request: ChargeRequest, context: CallContext): Promise<GatewayOutcome<GatewayCharge>>;
  /** Refunds (part of) a charge, with the same guarantees as `charge`. */
  refund(request: RefundRequest, context: CallContext): Promise<GatewayOutcome<GatewayRefund>>;
  /** Status query for reconciliation: the gateway's charge for one of our payment ids, if any. */
  findCharge(paymentId: string): Promise<GatewayOutcome<GatewayCharge | undefined>>;
  /** The circuit breaker's current state. */
  circuitState(): GatewayCircuitState;
}

/** Nest injection token for the `PaymentGateway` port. */
export const PAYMENT_GATEWAY = Symbol('PaymentGateway');
