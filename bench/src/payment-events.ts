import { randomBytes } from 'node:crypto';
import {
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  type PaymentEvent,
} from '@ledger/ledger';

/**
 * Payment streams for the stream-consumer scenarios (projection, publisher): every event is what
 * the payment decider decides for a real command, so the projection folds it and the contract
 * mapper publishes it exactly as it would in production.
 */

export const BENCH_TENANT = 'acme';
/** Wide enough for any run; fixed, so every payment id of one prefix has the same length. */
const SEQUENCE_DIGITS = 7;

/** One event of one payment stream, in the order the streams are to be appended. */
export interface PlannedEvent {
  streamId: string;
  tenantId: string;
  paymentId: string;
  /** Its version in the stream: appended with expectedVersion `version - 1`. */
  version: number;
  event: PaymentEvent;
}

/** Events per payment: requested, gateway attempt, succeeded, refund requested, refund succeeded. */
export const EVENTS_PER_PAYMENT = 5;

/**
 * The five events of one payment's life, each decided by `paymentDecider` on the state the
 * previous ones left: RequestPayment, RecordGatewayAttempt (a 201), ConcludeCharge succeeded,
 * RequestRefund and ConcludeRefund succeeded.
 */
export function paymentLifecycle(tenantId: string, paymentId: string, now: Date): PaymentEvent[] {
  const chargeId = `ch_${randomBytes(12).toString('hex')}`;
  const at = (offsetMs: number): string => new Date(now.getTime() + offsetMs).toISOString();
  const commands: Array<Pick<PaymentCommand, 'type' | 'data'>> = [
    {
      type: 'RequestPayment',
      data: {
        paymentId,
        amount: 12_990,
        currency: 'EUR',
        customerId: 'cus_Q1w2E3r4T5y6U7',
        orderId: `ord_${paymentId.slice(-SEQUENCE_DIGITS)}`,
        description: 'Annual plan, 3 seats',
      },
    },
    {
      type: 'RecordGatewayAttempt',
      data: {
        operation: 'charge',
        attempt: 1,
        idempotencyKey: `${tenantId}:${paymentId}:charge`,
        method: 'POST',
        path: '/v1/charges',
        startedAt: at(1),
        durationMs: 42,
        outcome: 'succeeded',
        httpStatus: 201,
        gatewayRequestId: `req_${randomBytes(8).toString('hex')}`,
        gatewayTransactionId: chargeId,
        breakerState: 'closed',
      },
    },
    {
      type: 'ConcludeCharge',
      data: { outcome: 'succeeded', gatewayTransactionId: chargeId, source: 'gateway_response' },
    },
    {
      type: 'RequestRefund',
      data: { refundId: `re_${paymentId}`, amount: 2_990, reason: 'one seat cancelled' },
    },
    {
      type: 'ConcludeRefund',
      data: {
        refundId: `re_${paymentId}`,
        outcome: 'succeeded',
        gatewayRefundId: `rf_${randomBytes(12).toString('hex')}`,
        source: 'gateway_response',
      },
    },
  ];
  let state = paymentDecider.initialState();
  const events: PaymentEvent[] = [];
  commands.forEach((command, i) => {
    const decided = paymentDecider.decide(
      {
        ...command,
        metadata: { now: at(i * 50), tenantId, correlationId: `corr_${paymentId}`, actor: 'api' },
      } as PaymentCommand,
      state,
    );
    for (const event of decided) {
      state = paymentDecider.evolve(state, event);
      events.push(event);
    }
  });
  if (events.length !== EVENTS_PER_PAYMENT) {
    throw new Error(`The decider produced ${events.length} events, expected ${EVENTS_PER_PAYMENT}`);
  }
  return events;
}

/** A payment id: `prefix` plus a zero-padded sequence, the same length for one prefix length. */
export function benchPaymentId(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(SEQUENCE_DIGITS, '0')}`;
}

/**
 * `streams` payments of five events each, interleaved the way many payments in progress at once
 * reach the store: every stream's version 1, then every stream's version 2, ... So a stream's
 * next event comes `streams` events later and a stream-record batch spans many streams.
 */
export function interleavedPayments(idPrefix: string, streams: number): PlannedEvent[] {
  const now = new Date();
  const lives = Array.from({ length: streams }, (_, i) => {
    const paymentId = benchPaymentId(idPrefix, i + 1);
    return {
      paymentId,
      streamId: paymentStreamId(BENCH_TENANT, paymentId),
      events: paymentLifecycle(BENCH_TENANT, paymentId, now),
    };
  });
  const planned: PlannedEvent[] = [];
  for (let version = 1; version <= EVENTS_PER_PAYMENT; version++) {
    for (const life of lives) {
      planned.push({
        streamId: life.streamId,
        tenantId: BENCH_TENANT,
        paymentId: life.paymentId,
        version,
        event: life.events[version - 1],
      });
    }
  }
  return planned;
}

/** A short random id that keeps a run's stream ids apart from any other run's. */
export function runTag(): string {
  return randomBytes(3).toString('hex');
}
