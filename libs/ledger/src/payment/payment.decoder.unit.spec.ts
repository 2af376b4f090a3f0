import { LedgerError } from '@ledger/errors';
import fc from 'fast-check';
import { foldEvents } from '../decider/decider';
import { EventUndecodableError, type RecordedEvent } from '../decider/event-decoding';
import type { PaymentCommand } from './payment.commands';
import { paymentDecider } from './payment.decider';
import { decodePaymentEvent, foldPaymentStream, readPaymentStream } from './payment.decoder';
import { PAYMENT_EVENT_TYPES, type PaymentEvent, type PaymentEventType } from './payment.events';
import {
  applyWebhook,
  concludeCharge,
  concludeRefund,
  linkedBy,
  paymentFailed,
  paymentSucceeded,
  paymentRequested,
  recordGatewayAttempt,
  refundRequested,
  requestPayment,
  requestRefund,
  resumeCharge,
  resumeRefund,
} from './payment.spec-helper';
import type { PaymentState } from './payment.state';

const STREAM = 'acme#payment#pay_1';
const RECORDED_AT = '2025-03-01T12:00:01.000Z';

/** `event` as a store hands it back: through JSON (as DynamoDB keeps it), with store fields. */
function recorded(event: object, version = 1): RecordedEvent {
  return {
    ...(JSON.parse(JSON.stringify(event)) as { type: string; data: unknown; metadata: unknown }),
    streamId: STREAM,
    version,
    recordedAt: RECORDED_AT,
  };
}

function decodeError(event: RecordedEvent): EventUndecodableError {
  try {
    decodePaymentEvent(event);
  } catch (error) {
    if (error instanceof EventUndecodableError) return error;
    throw error;
  }
  throw new Error(`${event.type} decoded`);
}

const refundId = fc.constantFrom('ref_1', 'ref_2');
// Mostly within the payment's 5000, so that refunds are often accepted and then concluded.
const amount = fc.integer({ min: 1, max: 2500 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined });

// Every command type, with the outcomes that make each event type reachable.
const command: fc.Arbitrary<PaymentCommand> = fc.oneof(
  fc.constant(requestPayment()),
  fc
    .record({
      operation: fc.constantFrom('charge' as const, 'refund' as const),
      outcome: fc.constantFrom('succeeded' as const, 'timeout' as const, 'circuit_open' as const),
      refundId,
      nextDelayMs: maybe(fc.integer({ min: 0, max: 5000 })),
    })
    .map((data) => recordGatewayAttempt(data)),
  fc.constantFrom('request_retry' as const, 'reconcile' as const).map((by) => resumeCharge({ by })),
  fc
    .record({
      outcome: fc.constantFrom(
        'succeeded' as const,
        'declined' as const,
        'unknown' as const,
        'not_attempted' as const,
      ),
      source: fc.constantFrom('gateway_response' as const, 'reconcile' as const),
      declineCode: maybe(fc.constantFrom('card_declined', 'invalid_request')),
    })
    .map((data) => concludeCharge(data)),
  fc
    .record({
      deliveryEventId: fc.constantFrom('e1', 'e2', 'e3', 'e4'),
      intent: fc.constantFrom(
        'payment_succeeded' as const,
        'payment_failed' as const,
        'refund_succeeded' as const,
        'refund_failed' as const,
        'unknown' as const,
      ),
      amount: maybe(amount),
      currency: maybe(fc.constantFrom('EUR', 'USD')),
      refundId: maybe(refundId),
    })
    .map(({ deliveryEventId, ...data }) =>
      applyWebhook({ ...data, deliveryEventId, deliveryId: deliveryEventId }),
    ),
  fc
    .record({ refundId, amount, reason: maybe(fc.constant('customer_request')) })
    .map((data) => requestRefund(data)),
  fc
    .record({ refundId, by: fc.constantFrom('request_retry' as const, 'reconcile' as const) })
    .map((data) => resumeRefund(data)),
  fc
    .record({
      refundId,
      outcome: fc.constantFrom(
        'succeeded' as const,
        'failed' as const,
        'unknown' as const,
        'not_attempted' as const,
      ),
    })
    .map((data) => concludeRefund(data)),
);

// Half the histories start with a captured payment and a pending refund, so that random refund
// conclusions find one to conclude.
const starts: PaymentCommand[][] = [[], [concludeCharge(), requestRefund()]];

/** The events `commands` decide, in order (refused commands decide nothing). */
function decided(commands: PaymentCommand[]): PaymentEvent[] {
  const events: PaymentEvent[] = [];
  let state: PaymentState = paymentDecider.initialState();
  for (const next of commands) {
    try {
      const step = paymentDecider.decide(next, state);
      state = foldEvents(paymentDecider, step, state);
      events.push(...step);
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
    }
  }
  return events;
}

describe('decodePaymentEvent', () => {
  describe('when given what the decider decided, as the store hands it back', () => {
    it('decodes every event to what was decided, and the stream to the same state', () => {
      const seen = new Set<PaymentEventType>();

      fc.assert(
        fc.property(
          fc.constantFrom(...starts),
          fc.array(command, { maxLength: 40 }),
          (start, commands) => {
            const events = decided([requestPayment(), ...start, ...commands]);
            const stream = events.map((event, index) => recorded(event, index + 1));

            for (const [index, stored] of stream.entries()) {
              expect(decodePaymentEvent(stored)).toStrictEqual(events[index]);
              seen.add(events[index].type);
            }
            expect(foldPaymentStream(stream)).toStrictEqual({
              state: foldEvents(paymentDecider, events),
              version: events.length,
              events,
              recordedAt: RECORDED_AT,
            });
          },
        ),
        { numRuns: 400 },
      );

      // The property saw every event type the decider can emit.
      expect([...seen].sort()).toStrictEqual([...PAYMENT_EVENT_TYPES].sort());
    });
  });

  describe('when a member has the wrong type', () => {
    it('refuses the event with event_undecodable, naming stream, version, type and member', () => {
      const stored = recorded(
        { ...paymentRequested(), data: { ...paymentRequested().data, amount: '5000' } },
        3,
      );

      const error = decodeError(stored);

      expect(error).toBeInstanceOf(LedgerError);
      expect(error.code).toBe('event_undecodable');
      expect(error.details()).toStrictEqual({
        streamId: STREAM,
        version: 3,
        eventType: 'PaymentRequested',
      });
      expect(error.problems).toStrictEqual(['data.amount must be a number']);
      expect(error.message).toContain(`${STREAM} v3 (PaymentRequested)`);
    });
  });

  describe("when a state event's webhook link is not a link", () => {
    it('refuses it, while a whole link decodes', () => {
      const carried = linkedBy(paymentSucceeded({ source: 'webhook' }));
      const { deliveryId: _missing, ...partial } = carried.data.webhook!;

      const error = decodeError(
        recorded({ ...carried, data: { ...carried.data, webhook: partial } }, 5),
      );

      expect(error.problems).toStrictEqual([
        'data.webhook must be a webhook link (deliveryEventId, deliveryStreamId, ...)',
      ]);
      expect(decodePaymentEvent(recorded(carried, 5))).toStrictEqual(carried);
    });
  });

  describe('when a required member is missing', () => {
    it('refuses a PaymentFailed without its category (a v1 event read without the upcasters)', () => {
      const { category: _category, ...v1 } = paymentFailed().data;

      const error = decodeError(recorded({ ...paymentFailed(), data: v1, schemaVersion: 1 }, 4));

      expect(error.problems).toStrictEqual(['data.category is missing']);
    });
  });

  describe('when a member is outside its union, or the metadata has no tenant', () => {
    it('lists every problem', () => {
      const event = refundRequested();
      const stored = recorded({
        ...event,
        data: { ...event.data, refundId: 7, reason: null },
        metadata: { actor: 'api' },
      });
      const failed = paymentFailed();
      const badCategory = recorded({ ...failed, data: { ...failed.data, category: 'lost' } });

      expect(decodeError(stored).problems).toStrictEqual([
        'data.refundId must be a string',
        'data.reason must be a string',
        'metadata.tenantId is missing',
      ]);
      expect(decodeError(badCategory).problems).toStrictEqual([
        'data.category must be one of declined, invalid_request, gateway_unavailable',
      ]);
    });
  });

  describe('when the data is not an object', () => {
    it('refuses the event', () => {
      const stored = { ...recorded(paymentRequested()), data: 'pay_1' };

      expect(decodeError(stored).problems).toStrictEqual(['data must be an object']);
    });
  });

  describe('when the type is not a payment event type', () => {
    it('leaves it out of the fold, which still counts its version', () => {
      const stream = [
        recorded(paymentRequested(), 1),
        recorded({ type: 'PaymentTeleported', data: { to: 'mars' }, metadata: {} }, 2),
      ];

      expect(decodePaymentEvent(stream[1])).toBeUndefined();
      const folded = foldPaymentStream(stream);
      expect(folded.version).toBe(2);
      expect(folded.events).toStrictEqual([paymentRequested()]);
      expect(folded.state).toStrictEqual(foldEvents(paymentDecider, [paymentRequested()]));
    });
  });
});

describe('readPaymentStream', () => {
  const stream = [
    recorded(paymentRequested(), 1),
    recorded(refundRequested(), 2),
    recorded({ ...paymentRequested(), data: {} }, 3),
  ];
  const reader = {
    async *readWholeStream(streamId: string) {
      if (streamId === STREAM) yield* stream;
    },
  };

  describe('when asked for the state up to a version', () => {
    it('stops there, before an event it would refuse', async () => {
      const read = await readPaymentStream(reader, STREAM, { toVersion: 2 });

      expect(read.version).toBe(2);
      expect(read.events.map((event) => event.type)).toStrictEqual([
        'PaymentRequested',
        'RefundRequested',
      ]);
    });
  });

  describe('when the stream holds an event that does not decode', () => {
    it('refuses the read with event_undecodable', async () => {
      await expect(readPaymentStream(reader, STREAM)).rejects.toMatchObject({
        code: 'event_undecodable',
        version: 3,
      });
    });
  });

  describe('when the stream is empty', () => {
    it('gives the initial state at version 0', async () => {
      await expect(readPaymentStream(reader, 'acme#payment#none')).resolves.toStrictEqual({
        state: paymentDecider.initialState(),
        version: 0,
        events: [],
      });
    });
  });
});
