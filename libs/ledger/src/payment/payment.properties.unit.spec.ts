import { LedgerError } from '@ledger/errors';
import fc from 'fast-check';
import type { PaymentCommand } from './payment.commands';
import { paymentDecider } from './payment.decider';
import { isTerminal, pendingRefundAmount, type PaymentState } from './payment.state';
import {
  applyWebhook,
  concludeCharge,
  concludeRefund,
  recordGatewayAttempt,
  requestPayment,
  requestRefund,
} from './payment.spec-helper';

// Small alphabets, so that random histories hit the same refunds and deliveries again and again.
const refundId = fc.constantFrom('ref_1', 'ref_2', 'ref_3');
const amount = fc.integer({ min: 1, max: 6000 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined });

const command: fc.Arbitrary<PaymentCommand> = fc.oneof(
  fc.constant(requestPayment()),
  fc
    .record({
      operation: fc.constantFrom('charge' as const, 'refund' as const),
      outcome: fc.constantFrom('succeeded' as const, 'timeout' as const, 'http_error' as const),
      refundId,
    })
    .map((data) => recordGatewayAttempt(data)),
  fc
    .record({
      outcome: fc.constantFrom('succeeded' as const, 'declined' as const, 'unknown' as const),
      source: fc.constantFrom('gateway_response' as const, 'reconcile' as const),
    })
    .map((data) => concludeCharge(data)),
  fc
    .record({
      deliveryEventId: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5'),
      intent: fc.constantFrom(
        'payment_succeeded' as const,
        'payment_failed' as const,
        'refund_succeeded' as const,
        'refund_failed' as const,
        'unknown' as const,
      ),
      amount: maybe(amount),
      refundId: maybe(refundId),
    })
    .map(({ deliveryEventId, ...data }) =>
      applyWebhook({ ...data, deliveryEventId, deliveryId: deliveryEventId }),
    ),
  fc.record({ refundId, amount }).map((data) => requestRefund(data)),
  fc
    .record({
      refundId,
      outcome: fc.constantFrom('succeeded' as const, 'failed' as const, 'unknown' as const),
    })
    .map((data) => concludeRefund(data)),
);

function hasUndefinedMember(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).some((member) => member === undefined || hasUndefinedMember(member))
  );
}

describe('the payment decider under random command sequences', () => {
  describe('when any sequence of commands is decided and folded', () => {
    it('refuses only with LedgerErrors and keeps the money and status invariants', () => {
      fc.assert(
        fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
          let state: PaymentState = paymentDecider.initialState();
          let settled: 'succeeded' | 'failed' | undefined;
          for (const next of commands) {
            let events;
            try {
              events = paymentDecider.decide(next, state);
            } catch (error) {
              expect(error).toBeInstanceOf(LedgerError);
              continue;
            }
            for (const event of events) expect(hasUndefinedMember(event)).toBe(false);
            state = events.reduce(paymentDecider.evolve, state);

            // Money: never more refunded, or reserved for refunds, than was captured.
            expect(state.refundedAmount).toBeGreaterThanOrEqual(0);
            expect(state.refundedAmount + pendingRefundAmount(state)).toBeLessThanOrEqual(
              state.capturedAmount,
            );
            // The first definitive outcome wins.
            if (settled === 'failed') expect(state.status).toBe('failed');
            if (settled === 'succeeded') {
              expect(['succeeded', 'partially_refunded', 'refunded']).toContain(state.status);
            }
            if (isTerminal(state)) settled = state.status === 'failed' ? 'failed' : 'succeeded';
            // A delivery is linked once.
            expect(new Set(state.linkedDeliveries).size).toBe(state.linkedDeliveries.length);
          }
          expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
        }),
        { numRuns: 500 },
      );
    });
  });
});
