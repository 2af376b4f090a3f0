import { type StoredEvent, UpcasterChain } from '@ledger/event-store';
import { foldEvents } from '../decider/decider';
import { ledgerUpcasters } from '../ledger.upcasters';
import type { PaymentCommand } from './payment.commands';
import { paymentDecider } from './payment.decider';
import { PAYMENT_EVENT_TYPES, type PaymentEvent } from './payment.events';
import {
  applyWebhook,
  concludeCharge,
  eventMetadata,
  gatewayCallAttempted,
  NOW,
  paymentFailed,
  paymentRequested,
  paymentSucceeded,
  recordGatewayAttempt,
  requestPayment,
} from './payment.spec-helper';
import {
  PAYMENT_EVENT_VERSIONS,
  PAYMENT_UPCASTERS,
  type PaymentFailedDataV1,
  paymentFailedV1ToV2,
} from './payment.upcasters';

const chain = new UpcasterChain(PAYMENT_UPCASTERS);

/** An event as the store hands it back, at the version a release wrote it in. */
function stored(
  version: number,
  event: Pick<PaymentEvent, 'type' | 'data'> & { schemaVersion?: number },
): StoredEvent {
  return {
    streamId: 'acme#payment#pay_1',
    version,
    eventId: `evt_${version}`,
    type: event.type,
    schemaVersion: event.schemaVersion ?? 1,
    data: JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>,
    metadata: eventMetadata,
    recordedAt: NOW,
    position: `${NOW}#acme#payment#pay_1#${version}`,
  };
}

function paymentFailedV1(data: Partial<PaymentFailedDataV1> = {}): StoredEvent {
  const v1: PaymentFailedDataV1 = {
    reason: 'declined',
    source: 'gateway_response',
    at: NOW,
    ...data,
  };
  return stored(3, { type: 'PaymentFailed', data: v1 as never, schemaVersion: 1 });
}

describe('PaymentFailed v1 -> v2', () => {
  it.each([
    [
      'a charge never sent',
      { reason: 'gateway not attempted: circuit_open', declineCode: 'circuit_open' },
      'gateway_unavailable',
    ],
    [
      'a charge the bulkhead refused',
      { reason: 'gateway not attempted: bulkhead_rejected', declineCode: 'bulkhead_rejected' },
      'gateway_unavailable',
    ],
    [
      'a 4xx the adapter coded http_<status>',
      { reason: 'The gateway answered 422', declineCode: 'http_422' },
      'invalid_request',
    ],
    [
      'the gateway’s invalid_request code',
      { reason: 'currency is unsupported', declineCode: 'invalid_request' },
      'invalid_request',
    ],
    ['an invalid_request reason', { reason: 'invalid_request' }, 'invalid_request'],
    ['a 402', { reason: 'The gateway answered 402', declineCode: 'http_402' }, 'declined'],
    [
      'a card decline',
      { reason: 'The gateway declined the charge', declineCode: 'insufficient_funds' },
      'declined',
    ],
    ['a decline without details', {}, 'declined'],
    ['a reconciled decline', { reason: 'card_declined', source: 'reconcile' }, 'declined'],
    [
      'a webhook, whatever its reason',
      { reason: 'invalid_request', source: 'webhook' },
      'declined',
    ],
  ] as const)('categorises %s as %s', (_case, data, category) => {
    const event = paymentFailedV1(data);

    const upcast = chain.upcast(event);

    expect(upcast.schemaVersion).toBe(2);
    expect(upcast.data).toStrictEqual({ ...event.data, category });
  });

  it('keeps every v1 member as it was', () => {
    const data = paymentFailedV1({ reason: 'r', declineCode: 'd', source: 'reconcile' }).data;

    expect(paymentFailedV1ToV2.upcast(data)).toStrictEqual({
      reason: 'r',
      declineCode: 'd',
      source: 'reconcile',
      at: NOW,
      category: 'declined',
    });
  });
});

describe('PAYMENT_EVENT_VERSIONS', () => {
  it('names, for every payment event type, the version its upcasters lead to', () => {
    const ledgerChain = new UpcasterChain(ledgerUpcasters());

    for (const type of PAYMENT_EVENT_TYPES) {
      expect([type, PAYMENT_EVENT_VERSIONS[type]]).toEqual([
        type,
        ledgerChain.currentVersion(type),
      ]);
    }
  });

  it('is what the decider writes', () => {
    const commands: PaymentCommand[] = [
      requestPayment(),
      recordGatewayAttempt({ outcome: 'http_error', httpStatus: 402 }),
      concludeCharge({ outcome: 'declined', declineCode: 'insufficient_funds' }),
      applyWebhook({ intent: 'payment_failed' }),
    ];
    let state = paymentDecider.initialState();
    const decided: PaymentEvent[] = [];
    for (const command of commands) {
      const events = paymentDecider.decide(command, state);
      decided.push(...events);
      state = events.reduce(paymentDecider.evolve, state);
    }

    expect(decided.map((event) => [event.type, event.schemaVersion])).toEqual([
      ['PaymentRequested', 1],
      ['GatewayCallAttempted', 1],
      ['PaymentFailed', 2],
      ['WebhookLinked', 1],
    ]);
  });
});

describe('a replay over events an older release wrote', () => {
  // The same history, once as release v1 stored it and once as today's decider writes it.
  const v1History = [
    stored(1, paymentRequested()),
    stored(2, gatewayCallAttempted({ outcome: 'http_error', httpStatus: 400 })),
    paymentFailedV1({ reason: 'The gateway answered 400', declineCode: 'http_400' }),
  ];
  const v2History: PaymentEvent[] = [
    paymentRequested(),
    gatewayCallAttempted({ outcome: 'http_error', httpStatus: 400 }),
    paymentFailed({
      reason: 'The gateway answered 400',
      declineCode: 'http_400',
      category: 'invalid_request',
    }),
  ];

  it('folds the upcast v1 events to the state the v2 events give', () => {
    const fromV1 = foldEvents(
      paymentDecider,
      v1History.map((event) => chain.upcast(event) as unknown as PaymentEvent),
    );

    const fromV2 = foldEvents(paymentDecider, v2History);

    expect(fromV1).toStrictEqual(fromV2);
    expect(fromV1).toMatchObject({ status: 'failed', failureCategory: 'invalid_request' });
  });

  it('leaves the events today’s decider writes as they are', () => {
    const current = stored(3, paymentSucceeded());
    const failure = stored(4, paymentFailed());

    expect(chain.upcast(current)).toBe(current);
    expect(chain.upcast(failure)).toBe(failure);
  });
});
