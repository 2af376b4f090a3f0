import {
  type CommandMetadata,
  foldPaymentStream,
  initialPaymentState,
  type PaymentCommand,
  paymentDecider,
  type PaymentEvent,
  paymentStreamId,
  type PaymentState,
} from '@ledger/ledger';
import { ContractMappingError } from '../contracts.errors';
import {
  DEFAULT_SOURCE,
  DETAIL_TYPES,
  type IntegrationEvent,
} from '../events/integration-events.v1';
import { validateIntegrationEvent } from '../validation/integration-event.validator';
import {
  integrationEventsOf,
  linkedDeliveryEventId,
  type StoredEventLike,
  toIntegrationEvent,
  toIntegrationEvents,
} from './integration-event.mapper';

const TENANT = 'acme';
const PAYMENT_ID = 'pay_1';
const STREAM = paymentStreamId(TENANT, PAYMENT_ID);
const IDEMPOTENCY_KEY = `${TENANT}:${PAYMENT_ID}:charge`;

// Each command decides at its own minute, so `occurredAt` can be told from `recordedAt`.
function at(minute: number): string {
  return new Date(Date.UTC(2025, 2, 1, 12, minute)).toISOString();
}

function metadata(minute: number): CommandMetadata {
  return { now: at(minute), tenantId: TENANT };
}

/**
 * Decides `commands` one after the other with the real payment decider and stores the events
 * as the event store would (versions 1..n, recorded a second after the decision).
 */
function history(commands: readonly PaymentCommand[]): StoredEventLike[] {
  let state = paymentDecider.initialState();
  const stored: StoredEventLike[] = [];
  for (const command of commands) {
    for (const event of paymentDecider.decide(command, state)) {
      state = paymentDecider.evolve(state, event);
      const version = stored.length + 1;
      stored.push({
        streamId: STREAM,
        version,
        eventId: `01JQ8Z3V5K2M7N4P6R9S${String(version).padStart(6, '0')}`,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        recordedAt: new Date(Date.parse(command.metadata.now) + 1000).toISOString(),
      });
    }
  }
  return stored;
}

let minute = 0;
const next = () => metadata(++minute);

const requestPayment = (amount = 5000): PaymentCommand => ({
  type: 'RequestPayment',
  data: {
    paymentId: PAYMENT_ID,
    amount,
    currency: 'EUR',
    customerId: 'cus_1',
    orderId: 'ord_1',
    description: 'Two tickets for Jane Doe, seat 12A',
  },
  metadata: next(),
});

const attempt = (
  data: Partial<Extract<PaymentCommand, { type: 'RecordGatewayAttempt' }>['data']> = {},
): PaymentCommand => ({
  type: 'RecordGatewayAttempt',
  data: {
    operation: 'charge',
    attempt: 1,
    idempotencyKey: IDEMPOTENCY_KEY,
    method: 'POST',
    path: '/v1/charges',
    startedAt: '2025-03-01T11:59:59.500Z',
    durationMs: 120,
    outcome: 'succeeded',
    httpStatus: 200,
    gatewayRequestId: 'req_secretish_1',
    gatewayTransactionId: 'txn_1',
    breakerState: 'closed',
    ...data,
  },
  metadata: next(),
});

const concludeCharge = (
  data: Partial<Extract<PaymentCommand, { type: 'ConcludeCharge' }>['data']> = {},
): PaymentCommand => ({
  type: 'ConcludeCharge',
  data: { outcome: 'succeeded', source: 'gateway_response', ...data },
  metadata: next(),
});

const applyWebhook = (
  data: Partial<Extract<PaymentCommand, { type: 'ApplyWebhook' }>['data']> = {},
): PaymentCommand => ({
  type: 'ApplyWebhook',
  data: {
    deliveryEventId: 'evt_delivery_1',
    deliveryStreamId: `${TENANT}#delivery#sandbox#dlv_1`,
    provider: 'sandbox',
    deliveryId: 'dlv_1',
    providerEventType: 'charge.succeeded',
    intent: 'payment_succeeded',
    receivedAt: '2025-03-01T12:30:00.000Z',
    ...data,
  },
  metadata: next(),
});

const requestRefund = (amount = 1000, refundId = 'ref_1'): PaymentCommand => ({
  type: 'RequestRefund',
  data: { refundId, amount, reason: 'requested_by_customer' },
  metadata: next(),
});

const concludeRefund = (
  data: Partial<Extract<PaymentCommand, { type: 'ConcludeRefund' }>['data']> = {},
): PaymentCommand => ({
  type: 'ConcludeRefund',
  data: { refundId: 'ref_1', outcome: 'succeeded', source: 'gateway_response', ...data },
  metadata: next(),
});

function detailTypes(events: readonly IntegrationEvent[]): string[] {
  return events.map((event) => event.detailType);
}

function dataOf(events: readonly IntegrationEvent[], index: number): unknown {
  return events[index]?.detail.data;
}

// Every scenario below, together: the whole surface the publisher can produce.
function everyScenario(): IntegrationEvent[][] {
  return [
    succeededAndPartlyRefunded(),
    declined(),
    unknownThenSettledByWebhook(),
    refundFailedAfterUnknown(),
    failedThenContradictedByWebhook(),
  ].map((stream) => toIntegrationEvents(stream));
}

function succeededAndPartlyRefunded(): StoredEventLike[] {
  return history([
    requestPayment(),
    attempt(),
    concludeCharge({ gatewayTransactionId: 'txn_1' }),
    applyWebhook(),
    requestRefund(1000),
    attempt({
      operation: 'refund',
      refundId: 'ref_1',
      path: '/v1/refunds',
      idempotencyKey: `${TENANT}:${PAYMENT_ID}:refund:ref_1`,
      gatewayTransactionId: undefined,
    }),
    concludeRefund({ gatewayRefundId: 're_1' }),
  ]);
}

function declined(): StoredEventLike[] {
  return history([
    requestPayment(),
    attempt({ outcome: 'http_error', httpStatus: 402, gatewayTransactionId: undefined }),
    concludeCharge({ outcome: 'declined', reason: 'card_declined', declineCode: 'do_not_honor' }),
  ]);
}

function unknownThenSettledByWebhook(): StoredEventLike[] {
  return history([
    requestPayment(),
    attempt({
      outcome: 'timeout',
      httpStatus: undefined,
      gatewayRequestId: undefined,
      gatewayTransactionId: undefined,
      nextDelayMs: 250,
    }),
    attempt({
      attempt: 2,
      outcome: 'circuit_open',
      httpStatus: undefined,
      gatewayRequestId: undefined,
      gatewayTransactionId: undefined,
      durationMs: 0,
      breakerState: 'open',
    }),
    concludeCharge({ outcome: 'unknown' }),
    applyWebhook({ amount: 4000, currency: 'EUR', gatewayTransactionId: 'txn_9' }),
  ]);
}

function refundFailedAfterUnknown(): StoredEventLike[] {
  return history([
    requestPayment(),
    concludeCharge(),
    requestRefund(5000),
    concludeRefund({ outcome: 'unknown' }),
    concludeRefund({ outcome: 'failed', reason: 'insufficient_balance' }),
  ]);
}

function failedThenContradictedByWebhook(): StoredEventLike[] {
  return history([
    requestPayment(),
    { type: 'ResumeCharge', data: { by: 'request_retry' }, metadata: next() },
    concludeCharge({ outcome: 'declined', reason: 'card_declined', declineCode: 'card_declined' }),
    applyWebhook({ gatewayTransactionId: 'txn_wh', amount: 5000, currency: 'EUR' }),
  ]);
}

describe('toIntegrationEvents', () => {
  describe('when the gateway contradicts a recorded failure', () => {
    it('publishes payment.outcome_contradicted, and nothing for the internal resume marker', () => {
      const events = toIntegrationEvents(failedThenContradictedByWebhook());

      expect(detailTypes(events)).toEqual([
        'payment.requested',
        'payment.failed',
        'webhook.received',
        'payment.outcome_contradicted',
      ]);
      expect(dataOf(events, 3)).toEqual({
        amount: 5000,
        currency: 'EUR',
        reported: 'payment_succeeded',
        recordedStatus: 'failed',
        conflict: 'payment_failed_at_ledger',
        source: 'webhook',
        gatewayTransactionId: 'txn_wh',
        reportedAmount: 5000,
        reportedCurrency: 'EUR',
      });
      // The contradiction carries the delivery's link: both come from the one ledger event.
      expect(events[2]?.detail.streamVersion).toBe(4);
      expect(events[3]?.detail.streamVersion).toBe(4);
      expect(dataOf(events, 2)).toMatchObject({ effect: 'conflict', deliveryId: 'dlv_1' });
    });
  });

  describe('when a state event carries the link of the delivery that caused it', () => {
    it('publishes the webhook.received it used to get from WebhookLinked, then its own event', () => {
      const stream = unknownThenSettledByWebhook();
      const carrier = stream[stream.length - 1];

      const [received, succeeded] = integrationEventsOf(carrier, foldPaymentStream(stream).state);

      expect(carrier.type).toBe('PaymentSucceeded');
      expect(received).toEqual({
        source: DEFAULT_SOURCE,
        detailType: 'webhook.received',
        detail: {
          eventId: linkedDeliveryEventId(carrier.eventId),
          occurredAt: succeeded?.detail.occurredAt,
          tenantId: TENANT,
          paymentId: PAYMENT_ID,
          streamVersion: carrier.version,
          schemaVersion: 1,
          replay: false,
          data: {
            provider: 'sandbox',
            providerEventType: 'charge.succeeded',
            deliveryId: 'dlv_1',
            effect: 'applied',
            receivedAt: '2025-03-01T12:30:00.000Z',
          },
        },
      });
      expect(succeeded?.detail.eventId).toBe(carrier.eventId);
      expect(validateIntegrationEvent(received).valid).toBe(true);
    });

    it('gives the webhook.received an id of its own, the same on every publication', () => {
      const id = linkedDeliveryEventId('01JQ8Z3V5K2M7N4P6R9S000005');

      expect(id).toMatch(/^01JQ8Z3V5K[0-9A-HJKMNP-TV-Z]{16}$/);
      expect(id).not.toBe('01JQ8Z3V5K2M7N4P6R9S000005');
      expect(linkedDeliveryEventId('01JQ8Z3V5K2M7N4P6R9S000005')).toBe(id);
      expect(linkedDeliveryEventId('01JQ8Z3V5K2M7N4P6R9S000006')).not.toBe(id);
    });

    it('publishes what a stream written the old way (link, then state event) published', () => {
      const carried = unknownThenSettledByWebhook();
      const { webhook, ...data } = carried[4].data as Record<string, unknown> & {
        webhook: Record<string, unknown>;
      };
      const linked: StoredEventLike = {
        ...carried[4],
        eventId: '01JQ8Z3V5K2M7N4P6R9SOLDLNK',
        type: 'WebhookLinked',
        data: { ...webhook, effect: 'applied', at: data.at },
      };
      const oldWay = [...carried.slice(0, 4), linked, { ...carried[4], version: 6, data }];

      const strip = (events: IntegrationEvent[]) =>
        events.map(({ detailType, detail }) => ({ detailType, data: detail.data }));
      expect(strip(toIntegrationEvents(oldWay))).toEqual(strip(toIntegrationEvents(carried)));
    });
  });

  describe('when a payment succeeds and is partly refunded', () => {
    it('publishes one event per ledger event, in stream order', () => {
      const events = toIntegrationEvents(succeededAndPartlyRefunded());

      expect(detailTypes(events)).toEqual([
        'payment.requested',
        'gateway.call_attempted',
        'payment.succeeded',
        'webhook.received',
        'refund.requested',
        'gateway.call_attempted',
        'refund.succeeded',
      ]);
      expect(events.map((event) => event.detail.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('maps each event to the data its contract names, with the state after it', () => {
      const events = toIntegrationEvents(succeededAndPartlyRefunded());

      expect(dataOf(events, 0)).toEqual({
        amount: 5000,
        currency: 'EUR',
        customerId: 'cus_1',
        orderId: 'ord_1',
        requestedAt: events[0]?.detail.occurredAt,
      });
      expect(dataOf(events, 1)).toEqual({
        operation: 'charge',
        attempt: 1,
        outcome: 'succeeded',
        httpStatus: 200,
        durationMs: 120,
        startedAt: '2025-03-01T11:59:59.500Z',
        breakerState: 'closed',
      });
      expect(dataOf(events, 2)).toEqual({
        amount: 5000,
        currency: 'EUR',
        capturedAmount: 5000,
        gatewayTransactionId: 'txn_1',
        source: 'gateway_response',
      });
      expect(dataOf(events, 3)).toEqual({
        provider: 'sandbox',
        providerEventType: 'charge.succeeded',
        deliveryId: 'dlv_1',
        effect: 'no_change',
        receivedAt: '2025-03-01T12:30:00.000Z',
      });
      expect(dataOf(events, 4)).toEqual({
        refundId: 'ref_1',
        amount: 1000,
        currency: 'EUR',
        reason: 'requested_by_customer',
        requestedAt: events[4]?.detail.occurredAt,
      });
      expect(dataOf(events, 5)).toMatchObject({ operation: 'refund', refundId: 'ref_1' });
      expect(dataOf(events, 6)).toEqual({
        refundId: 'ref_1',
        amount: 1000,
        currency: 'EUR',
        gatewayRefundId: 're_1',
        source: 'gateway_response',
        capturedAmount: 5000,
        refundedAmount: 1000,
        paymentStatus: 'partially_refunded',
      });
    });
  });

  describe('when the gateway declines', () => {
    it('publishes payment.failed with the reason and decline code', () => {
      const events = toIntegrationEvents(declined());

      expect(detailTypes(events)).toEqual([
        'payment.requested',
        'gateway.call_attempted',
        'payment.failed',
      ]);
      expect(dataOf(events, 1)).toMatchObject({ outcome: 'http_error', httpStatus: 402 });
      expect(dataOf(events, 2)).toEqual({
        amount: 5000,
        currency: 'EUR',
        reason: 'card_declined',
        declineCode: 'do_not_honor',
        source: 'gateway_response',
      });
    });
  });

  describe('when the outcome is unknown and a webhook settles it', () => {
    it('publishes the attempts, the unknown outcome, the delivery and the capture', () => {
      const events = toIntegrationEvents(unknownThenSettledByWebhook());

      expect(detailTypes(events)).toEqual([
        'payment.requested',
        'gateway.call_attempted',
        'gateway.call_attempted',
        'payment.outcome_unknown',
        'webhook.received',
        'payment.succeeded',
      ]);
      expect(dataOf(events, 1)).toEqual({
        operation: 'charge',
        attempt: 1,
        outcome: 'timeout',
        durationMs: 120,
        startedAt: '2025-03-01T11:59:59.500Z',
        nextDelayMs: 250,
        breakerState: 'closed',
      });
      expect(dataOf(events, 2)).toMatchObject({ outcome: 'circuit_open', breakerState: 'open' });
      expect(dataOf(events, 3)).toEqual({
        amount: 5000,
        currency: 'EUR',
        reason: 'no_definitive_answer',
        source: 'gateway_response',
      });
      expect(dataOf(events, 4)).toMatchObject({ effect: 'applied' });
      expect(dataOf(events, 5)).toEqual({
        amount: 5000,
        currency: 'EUR',
        capturedAmount: 4000,
        gatewayTransactionId: 'txn_9',
        source: 'webhook',
      });
    });
  });

  describe('when a refund is first unknown, then fails', () => {
    it("publishes both outcomes with the refund's requested amount", () => {
      const events = toIntegrationEvents(refundFailedAfterUnknown());

      expect(detailTypes(events).slice(-2)).toEqual(['refund.outcome_unknown', 'refund.failed']);
      expect(dataOf(events, events.length - 2)).toEqual({
        refundId: 'ref_1',
        amount: 5000,
        currency: 'EUR',
        reason: 'no_definitive_answer',
        source: 'gateway_response',
      });
      expect(dataOf(events, events.length - 1)).toEqual({
        refundId: 'ref_1',
        amount: 5000,
        currency: 'EUR',
        reason: 'insufficient_balance',
        source: 'gateway_response',
      });
    });
  });

  describe('when the whole amount is refunded', () => {
    it('says the payment is refunded', () => {
      const events = toIntegrationEvents(
        history([requestPayment(), concludeCharge(), requestRefund(5000), concludeRefund()]),
      );

      expect(events.at(-1)?.detail.data).toMatchObject({
        refundedAmount: 5000,
        paymentStatus: 'refunded',
      });
    });
  });

  describe('across every scenario', () => {
    it('covers every published detail-type', () => {
      const produced = new Set(
        everyScenario()
          .flat()
          .map((event) => event.detailType),
      );

      expect([...produced].sort()).toEqual([...DETAIL_TYPES].sort());
    });

    it('produces only events that validate against their schema, undocumented fields refused', () => {
      for (const event of everyScenario().flat()) {
        expect({ detailType: event.detailType, ...validateIntegrationEvent(event) }).toEqual({
          detailType: event.detailType,
          valid: true,
        });
      }
    });

    it('never publishes idempotency keys, request paths, free text or delivery internals', () => {
      const published = JSON.stringify(everyScenario());

      for (const secret of [
        'idempotencyKey',
        IDEMPOTENCY_KEY,
        `${TENANT}:${PAYMENT_ID}:refund:ref_1`,
        '/v1/charges',
        'req_secretish_1',
        'description',
        'Jane Doe',
        'deliveryStreamId',
        'deliveryEventId',
        'evt_delivery_1',
        'intent',
      ]) {
        expect(published).not.toContain(secret);
      }
    });
  });

  describe('when the stream is not read from version 1 without gaps', () => {
    it('refuses, since the folded state would be wrong', () => {
      const stream = succeededAndPartlyRefunded().slice(1);

      expect(() => toIntegrationEvents(stream)).toThrow(ContractMappingError);
    });
  });
});

describe('toIntegrationEvent', () => {
  const [requested] = history([requestPayment()]);
  const stateAfterRequest = paymentDecider.evolve(
    initialPaymentState(),
    requested as unknown as PaymentEvent,
  );

  describe('when publishing live', () => {
    it('fills the envelope from the stored event and its stream id', () => {
      const event = toIntegrationEvent(requested, stateAfterRequest);

      expect(event?.source).toBe(DEFAULT_SOURCE);
      expect(event?.detail).toMatchObject({
        eventId: requested.eventId,
        tenantId: TENANT,
        paymentId: PAYMENT_ID,
        streamVersion: 1,
        schemaVersion: 1,
        replay: false,
      });
    });

    it("dates the event by the ledger's decision (data.at), not by when it was written", () => {
      const event = toIntegrationEvent(requested, stateAfterRequest);

      expect(event?.detail.occurredAt).toBe((requested.data as { at: string }).at);
      expect(event?.detail.occurredAt).not.toBe(requested.recordedAt);
    });

    it('refuses an event stored without data.at rather than guess when it was decided', () => {
      const withoutAt: Record<string, unknown> = { ...(requested.data as Record<string, unknown>) };
      delete withoutAt.at;

      expect(() =>
        toIntegrationEvent({ ...requested, data: withoutAt }, stateAfterRequest),
      ).toThrow(
        expect.objectContaining({ code: 'event_undecodable', problems: ['data.at is missing'] }),
      );
    });
  });

  describe('when the publisher replays with its own source', () => {
    it('marks the event as a replay under that source, with the same event id', () => {
      const event = toIntegrationEvent(requested, stateAfterRequest, {
        source: 'ledger.staging',
        replay: true,
      });

      expect(event?.source).toBe('ledger.staging');
      expect(event?.detail.replay).toBe(true);
      expect(event?.detail.eventId).toBe(requested.eventId);
    });
  });

  describe('when the event is not on a payment stream', () => {
    it('publishes nothing for a webhook delivery, body and headers included', () => {
      const delivery: StoredEventLike = {
        streamId: `${TENANT}#delivery#sandbox#dlv_1`,
        version: 1,
        eventId: 'evt_delivery_1',
        type: 'WebhookReceived',
        data: { provider: 'sandbox', body: 'raw', headers: { 'x-signature': 'sig' } },
        recordedAt: at(0),
      };

      expect(toIntegrationEvent(delivery, stateAfterRequest)).toBeUndefined();
    });
  });

  describe('when a payment stream holds an event type this release does not know', () => {
    it('publishes nothing for it and carries on with the rest of the stream', () => {
      const stream = history([requestPayment(), concludeCharge()]);
      const unknown: StoredEventLike = {
        ...stream[1],
        version: 2,
        type: 'PaymentDisputed',
        data: { at: at(59) },
      };
      const shifted = { ...stream[1], version: 3 };

      expect(toIntegrationEvent(unknown, stateAfterRequest)).toBeUndefined();
      expect(detailTypes(toIntegrationEvents([stream[0], unknown, shifted]))).toEqual([
        'payment.requested',
        'payment.succeeded',
      ]);
    });
  });

  describe('when a stored delivery link carries more than the contract names', () => {
    it('copies only the contract fields: never a body or headers', () => {
      const stream = succeededAndPartlyRefunded();
      const linked = stream[3];
      const leaky = {
        ...linked,
        data: {
          ...(linked.data as Record<string, unknown>),
          body: '{"card":"4242424242424242"}',
          headers: { authorization: 'Bearer sk_live_1' },
        },
      };
      const state = stateAt(stream, 4);

      const event = toIntegrationEvent(leaky, state);

      expect(event?.detailType).toBe('webhook.received');
      expect(JSON.stringify(event)).not.toMatch(/body|headers|4242|sk_live/);
    });
  });

  describe('when the state handed in is another payment', () => {
    it('refuses rather than publish wrong balances', () => {
      const other: PaymentState = { ...stateAfterRequest, paymentId: 'pay_2' };

      expect(() => toIntegrationEvent(requested, other)).toThrow(ContractMappingError);
    });
  });

  describe('when a stored value has no published name', () => {
    it('refuses instead of inventing one', () => {
      const stream = succeededAndPartlyRefunded();
      const attempted = stream[1];
      const odd = {
        ...attempted,
        data: { ...(attempted.data as Record<string, unknown>), breakerState: 'melted' },
      };

      expect(() => toIntegrationEvent(odd, stateAt(stream, 2))).toThrow(
        /data\.breakerState must be one of closed, open, half_open, isolated/,
      );
    });
  });
});

function stateAt(stream: readonly StoredEventLike[], version: number): PaymentState {
  return stream
    .slice(0, version)
    .reduce(
      (state, event) => paymentDecider.evolve(state, event as unknown as PaymentEvent),
      initialPaymentState(),
    );
}
