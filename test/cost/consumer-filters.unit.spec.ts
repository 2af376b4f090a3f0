import type { StoredEvent } from '@ledger/event-store';
import { toEventItem } from '@ledger/event-store/aws';
import { PAYMENT_EVENT_TYPES, parsePaymentStreamId, paymentStreamId } from '@ledger/ledger';
import { projectorWants } from '@ledger/projections';
import type { RecordHead } from '@ledger/stream-consumer';
import { recordHeadOf } from '@ledger/stream-consumer/aws';
import { chargerActsOn, chargerWants } from '@ledger/payments';
import {
  WEBHOOK_RECEIVED,
  WEBHOOK_REJECTED,
  WEBHOOK_REJECTIONS_SUPPRESSED,
  correlatorActsOn,
  correlatorWants,
  deliveryStreamId,
  rejectionStreamId,
} from '@ledger/webhooks';
import { consumerFilters, passesFilters } from './consumer-template';

const AT = '2026-06-01T12:00:00.000Z';

function event(streamId: string, type: string, data: Record<string, unknown>): StoredEvent {
  return {
    streamId,
    version: 3,
    eventId: '01JZ7Q4W8K3N2M5P6R7S8T9V0W',
    type,
    schemaVersion: 1,
    data,
    metadata: { tenantId: 'acme' },
    recordedAt: AT,
    position: '',
  };
}

/** A DynamoDB stream record of `stored` as Lambda's filters see it. */
const recordOf = (stored: StoredEvent, eventName = 'INSERT'): object => ({
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: { NewImage: toEventItem(stored), StreamViewType: 'NEW_IMAGE' },
});

/**
 * Every kind of event the events table holds: each payment event type with and without a
 * transaction id, and the webhook streams' own events.
 */
const corpus: StoredEvent[] = [
  ...PAYMENT_EVENT_TYPES.flatMap((type) => [
    event(paymentStreamId('acme', 'pay_1'), type, { at: AT }),
    event(paymentStreamId('acme', 'pay_1'), type, { at: AT, gatewayTransactionId: 'ch_1' }),
    // Requests accepted asynchronously (the charger's), and a mode no request carries.
    event(paymentStreamId('acme', 'pay_1'), type, { at: AT, mode: 'async' }),
    event(paymentStreamId('acme', 'pay_1'), type, { at: AT, mode: 'sync' }),
  ]),
  event(deliveryStreamId('acme', 'sandbox', 'evt_1'), WEBHOOK_RECEIVED, { provider: 'sandbox' }),
  event(rejectionStreamId('acme', '01JZ'), WEBHOOK_REJECTED, { provider: 'sandbox' }),
  event(rejectionStreamId('acme', '01JZ'), WEBHOOK_REJECTIONS_SUPPRESSED, { count: 3 }),
];

/** What each consumer acts on, in its own code's words. */
const actsOn: Record<string, (stored: StoredEvent) => boolean> = {
  correlator: correlatorActsOn,
  // The projector and the publisher both begin by skipping anything but a payment stream.
  projector: (stored) => parsePaymentStreamId(stored.streamId) !== undefined,
  publisher: (stored) => parsePaymentStreamId(stored.streamId) !== undefined,
  charger: chargerActsOn,
};

/** What the local drivers decode for each consumer that says (`StreamConsumer.wants`). */
const wants: Record<string, (head: RecordHead) => boolean> = {
  correlator: correlatorWants,
  projector: projectorWants,
  charger: chargerWants,
};

describe("the consumers' own record filters (`wants`, before decoding)", () => {
  describe.each(Object.keys(wants))('%s', (consumer) => {
    it.each(corpus.map((stored) => [stored.type, stored.data, stored]))(
      'wants %s %j exactly when the consumer acts on it',
      (_type, _data, stored) => {
        const head = recordHeadOf(recordOf(stored))!;

        const wanted = wants[consumer](head);

        expect(wanted).toBe(actsOn[consumer](stored));
      },
    );
  });

  it('reads no head from a record that inserts no event', () => {
    const stored = event(paymentStreamId('acme', 'pay_1'), 'PaymentRequested', { at: AT });

    expect(recordHeadOf(recordOf(stored, 'MODIFY') as never)).toBeUndefined();
    expect(recordHeadOf(recordOf(stored, 'REMOVE') as never)).toBeUndefined();
  });
});

describe("the stream consumers' event source mapping filters (template.yaml)", () => {
  const filters = consumerFilters();

  it('are defined for every consumer', () => {
    expect(Object.keys(filters).sort()).toEqual(Object.keys(actsOn).sort());
    for (const patterns of Object.values(filters)) expect(patterns.length).toBeGreaterThan(0);
  });

  describe.each(Object.keys(actsOn))('%s', (consumer) => {
    it.each(corpus.map((stored) => [stored.type, stored.data, stored]))(
      'passes %s %j exactly when the consumer acts on it',
      (_type, _data, stored) => {
        const record = recordOf(stored);

        const passes = passesFilters(filters[consumer], record);

        expect(passes).toBe(actsOn[consumer](stored));
      },
    );

    it('passes no record of an update or a removal (events are only ever inserted)', () => {
      const stored = event(paymentStreamId('acme', 'pay_1'), 'PaymentRequested', { at: AT });

      expect(passesFilters(filters[consumer], recordOf(stored, 'MODIFY'))).toBe(false);
      expect(passesFilters(filters[consumer], recordOf(stored, 'REMOVE'))).toBe(false);
    });
  });

  it('let the delivery through to the correlator only, and the payment events to the projector and the publisher', () => {
    const delivery = recordOf(corpus.find((stored) => stored.type === WEBHOOK_RECEIVED)!);
    const linked = recordOf(event(paymentStreamId('acme', 'pay_1'), 'WebhookLinked', { at: AT }));

    expect(passesFilters(filters.correlator, delivery)).toBe(true);
    expect(passesFilters(filters.projector, delivery)).toBe(false);
    expect(passesFilters(filters.publisher, delivery)).toBe(false);
    expect(passesFilters(filters.correlator, linked)).toBe(false);
    expect(passesFilters(filters.projector, linked)).toBe(true);
  });
});
