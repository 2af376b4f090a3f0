import fc from 'fast-check';
import { LedgerError } from '@ledger/errors';
import type { StoredEvent } from '@ledger/event-store';
import {
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  type PaymentState,
} from '@ledger/ledger';
import { toPaymentView } from '../queries/payment-view';
import { StreamGapError } from './payment-view.errors';
import { catchUp, evolvePaymentDocument, type PaymentDocument } from './payment-view.projection';

const STREAM = paymentStreamId('acme', 'pay_1');
const NOW = '2026-02-01T00:00:00.000Z';

function commandOf(type: PaymentCommand['type'], data: object): PaymentCommand {
  return { type, data, metadata: { now: NOW, tenantId: 'acme' } } as PaymentCommand;
}

/** Random but realistic commands for one payment. */
const command: fc.Arbitrary<PaymentCommand> = fc.oneof(
  fc.constant(commandOf('RequestPayment', { paymentId: 'pay_1', amount: 5000, currency: 'EUR' })),
  fc.constantFrom('succeeded', 'timeout', 'http_error').map((outcome) =>
    commandOf('RecordGatewayAttempt', {
      operation: 'charge',
      attempt: 1,
      idempotencyKey: 'k',
      method: 'POST',
      path: '/v1/charges',
      startedAt: NOW,
      durationMs: 5,
      outcome,
      breakerState: 'closed',
    }),
  ),
  fc
    .constantFrom('succeeded', 'declined', 'unknown')
    .map((outcome) => commandOf('ConcludeCharge', { outcome, source: 'gateway_response' })),
  fc
    .record({
      id: fc.constantFrom('d1', 'd2', 'd3'),
      intent: fc.constantFrom('payment_succeeded', 'payment_failed', 'refund_succeeded', 'unknown'),
      amount: fc.integer({ min: 1, max: 3000 }),
    })
    .map(({ id, intent, amount }) =>
      commandOf('ApplyWebhook', {
        deliveryEventId: id,
        deliveryStreamId: `acme#delivery#sandbox#${id}`,
        provider: 'sandbox',
        deliveryId: id,
        providerEventType: intent,
        intent,
        receivedAt: NOW,
        amount,
        refundId: `r_${id}`,
      }),
    ),
  fc
    .record({ refundId: fc.constantFrom('r1', 'r2'), amount: fc.integer({ min: 1, max: 3000 }) })
    .map((data) => commandOf('RequestRefund', data)),
  fc
    .record({
      refundId: fc.constantFrom('r1', 'r2'),
      outcome: fc.constantFrom('succeeded', 'failed'),
    })
    .map((data) => commandOf('ConcludeRefund', { ...data, source: 'gateway_response' })),
);

/** Decides the commands in turn, as the write side would, and returns the stream it produced. */
function streamOf(commands: PaymentCommand[]): StoredEvent[] {
  let state: PaymentState = paymentDecider.initialState();
  const stream: StoredEvent[] = [];
  for (const next of commands) {
    let events;
    try {
      events = paymentDecider.decide(next, state);
    } catch (error) {
      if (error instanceof LedgerError) continue;
      throw error;
    }
    for (const event of events) {
      state = paymentDecider.evolve(state, event);
      const version = stream.length + 1;
      stream.push({
        ...event,
        data: event.data,
        metadata: event.metadata,
        streamId: STREAM,
        version,
        eventId: `ev_${version}`,
        schemaVersion: 1,
        recordedAt: NOW,
        position: `${NOW}#${STREAM}#${version}`,
      });
    }
  }
  return stream;
}

function cleanFold(stream: StoredEvent[]): PaymentDocument | null {
  return stream.reduce<PaymentDocument | null>(
    (doc, event) => evolvePaymentDocument(doc, event),
    null,
  );
}

describe('the payments projection', () => {
  describe('when records arrive in order', () => {
    it("folds them with the decider's own evolve and remembers the version", async () => {
      const stream = streamOf([
        commandOf('RequestPayment', { paymentId: 'pay_1', amount: 900, currency: 'EUR' }),
        commandOf('ConcludeCharge', { outcome: 'succeeded', source: 'gateway_response' }),
      ]);

      let document: PaymentDocument | null = null;
      for (const event of stream)
        document = (await catchUp(document, event, async () => [])) ?? document;

      expect(document).toMatchObject({
        tenantId: 'acme',
        paymentId: 'pay_1',
        version: 2,
        state: { status: 'succeeded', capturedAmount: 900 },
      });
    });
  });

  describe("when a webhook's state event carries the delivery's link", () => {
    it('counts the delivery as linked, as a WebhookLinked of its own used to', () => {
      const delivery = (id: string, intent: string) =>
        commandOf('ApplyWebhook', {
          deliveryEventId: id,
          deliveryStreamId: `acme#delivery#sandbox#${id}`,
          provider: 'sandbox',
          deliveryId: id,
          providerEventType: intent,
          intent,
          receivedAt: NOW,
        });
      const stream = streamOf([
        commandOf('RequestPayment', { paymentId: 'pay_1', amount: 900, currency: 'EUR' }),
        delivery('d1', 'payment_succeeded'),
        delivery('d2', 'payment_succeeded'),
      ]);

      const view = toPaymentView(cleanFold(stream)!);

      expect(stream.map((event) => event.type)).toEqual([
        'PaymentRequested',
        'PaymentSucceeded',
        'WebhookLinked',
      ]);
      expect(view).toMatchObject({ status: 'succeeded', webhookDeliveries: 2, version: 3 });
    });
  });

  describe('when a record arrives twice, or an older one arrives late', () => {
    it('changes nothing', async () => {
      const stream = streamOf([
        commandOf('RequestPayment', { paymentId: 'pay_1', amount: 900, currency: 'EUR' }),
        commandOf('ConcludeCharge', { outcome: 'succeeded', source: 'gateway_response' }),
      ]);
      const document = cleanFold(stream);

      expect(await catchUp(document, stream[1], async () => [])).toBeUndefined();
      expect(await catchUp(document, stream[0], async () => [])).toBeUndefined();
    });
  });

  describe('when a record arrives before the one it follows', () => {
    it('fills the gap from the store instead of skipping it', async () => {
      const stream = streamOf([
        commandOf('RequestPayment', { paymentId: 'pay_1', amount: 900, currency: 'EUR' }),
        commandOf('RequestRefund', { refundId: 'r1', amount: 1 }),
        commandOf('ConcludeCharge', { outcome: 'succeeded', source: 'gateway_response' }),
        commandOf('RequestRefund', { refundId: 'r1', amount: 100 }),
        commandOf('ConcludeRefund', {
          refundId: 'r1',
          outcome: 'succeeded',
          source: 'gateway_response',
        }),
      ]);
      const reads: Array<[number, number]> = [];

      const document = await catchUp(cleanFold(stream.slice(0, 1)), stream[3], async (from, to) => {
        reads.push([from, to]);
        return stream.slice(from - 1, to);
      });

      expect(reads).toEqual([[2, 3]]);
      expect(document).toEqual(cleanFold(stream.slice(0, 4)));
    });

    it('refuses with a typed, retryable error when the store has a hole too', async () => {
      const stream = streamOf([
        commandOf('RequestPayment', { paymentId: 'pay_1', amount: 900, currency: 'EUR' }),
        commandOf('ConcludeCharge', { outcome: 'succeeded', source: 'gateway_response' }),
        commandOf('RequestRefund', { refundId: 'r1', amount: 100 }),
      ]);
      const last = stream[stream.length - 1];
      const storeWithAHole = () => Promise.resolve(stream.slice(2, last.version - 1));

      const folded = catchUp(cleanFold(stream.slice(0, 1)), last, storeWithAHole);

      await expect(folded).rejects.toBeInstanceOf(StreamGapError);
      await expect(folded).rejects.toMatchObject({
        code: 'stream_gap',
        status: 503,
        streamId: STREAM,
        missingVersion: 2,
      });
    });
  });

  describe('when random histories are delivered with duplicates and reorderings', () => {
    it('always ends in the same document as a clean in-order fold', async () => {
      // A stream, then every record at least once plus random repeats, in a random order.
      const scenario = fc
        .array(command, { minLength: 1, maxLength: 25 })
        .map(streamOf)
        .filter((stream) => stream.length > 0)
        .chain((stream) =>
          fc.array(fc.nat({ max: stream.length - 1 }), { maxLength: 40 }).chain((repeats) => {
            const records = [...stream, ...repeats.map((i) => stream[i])];
            return fc.tuple(
              fc.constant(stream),
              fc.shuffledSubarray(records, { minLength: records.length }),
            );
          }),
        );

      await fc.assert(
        fc.asyncProperty(scenario, async ([stream, deliveries]) => {
          const readRange = async (from: number, to: number) => stream.slice(from - 1, to);

          let document: PaymentDocument | null = null;
          for (const record of deliveries) {
            document = (await catchUp(document, record, readRange)) ?? document;
          }

          expect(document).toEqual(cleanFold(stream));
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('when a stored event does not decode', () => {
    it('refuses it with event_undecodable instead of folding it', () => {
      const [requested] = streamOf([
        commandOf('RequestPayment', { paymentId: 'pay_1', amount: 5000, currency: 'EUR' }),
      ]);
      const broken: StoredEvent = { ...requested, data: { ...requested.data, currency: 978 } };

      expect(() => evolvePaymentDocument(null, broken)).toThrow(
        expect.objectContaining({ code: 'event_undecodable', version: 1 }),
      );
      expect(evolvePaymentDocument(null, requested).state).toMatchObject({ currency: 'EUR' });
    });
  });
});
