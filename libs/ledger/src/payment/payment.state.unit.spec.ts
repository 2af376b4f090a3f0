import type { NewEvent } from '@ledger/event-store';
import { foldEvents } from '../decider/decider';
import { stateAfter } from '../decider/decider.spec-helper';
import type { PaymentCommand } from './payment.commands';
import { paymentDecider } from './payment.decider';
import type { PaymentEvent } from './payment.events';
import { isPaymentEventType, PAYMENT_EVENT_TYPES, webhookLinkOf } from './payment.events';
import {
  evolvePayment,
  initialPaymentState,
  isTerminal,
  type PaymentState,
  type PaymentStatus,
  pendingRefundAmount,
  refundableBalance,
} from './payment.state';
import {
  AMOUNT,
  applyWebhook,
  concludeCharge,
  concludeRefund,
  EARLIER,
  failed,
  gatewayCallAttempted,
  linkedBy,
  NOW,
  outcomeContradicted,
  outcomeUnknown,
  partiallyRefunded,
  paymentFailed,
  paymentRequested,
  paymentSucceeded,
  processing,
  recordGatewayAttempt,
  refunded,
  refundFailed,
  refundOutcomeUnknown,
  refundRequested,
  refundSucceeded,
  requested,
  requestPayment,
  requestRefund,
  succeeded,
  webhookLinked,
} from './payment.spec-helper';

const fold = (events: readonly PaymentEvent[]): PaymentState => stateAfter(paymentDecider, events);

describe('evolvePayment', () => {
  describe('when the stream is empty', () => {
    it('starts from a payment that does not exist', () => {
      expect(initialPaymentState()).toStrictEqual({
        exists: false,
        amount: 0,
        capturedAmount: 0,
        refundedAmount: 0,
        attempts: 0,
        refunds: {},
        linkedDeliveries: [],
      });
    });
  });

  describe('when a payment is requested', () => {
    it('takes its fields from the event, its tenant from the metadata and its times from `at`', () => {
      const state = fold([paymentRequested({ orderId: 'ord_1', at: EARLIER })]);

      expect(state).toStrictEqual({
        exists: true,
        paymentId: 'pay_1',
        tenantId: 'acme',
        amount: AMOUNT,
        currency: 'EUR',
        customerId: 'cus_1',
        orderId: 'ord_1',
        status: 'requested',
        capturedAmount: 0,
        refundedAmount: 0,
        attempts: 0,
        refunds: {},
        linkedDeliveries: [],
        createdAt: EARLIER,
        updatedAt: EARLIER,
      });
    });
  });

  describe('when gateway attempts are recorded', () => {
    it('moves a requested payment to processing on the first charge attempt', () => {
      expect(fold(processing()).status).toBe('processing');
    });

    it('counts every attempt and remembers the last error with its start time', () => {
      const state = fold([
        ...requested(),
        gatewayCallAttempted({ outcome: 'timeout', startedAt: 'T1', httpStatus: undefined }),
        gatewayCallAttempted({ outcome: 'http_error', httpStatus: 503, startedAt: 'T2' }),
        gatewayCallAttempted({ outcome: 'succeeded', startedAt: 'T3', at: 'T3-recorded' }),
      ]);

      expect(state.attempts).toBe(3);
      expect(state.lastError).toStrictEqual({ outcome: 'http_error', httpStatus: 503, at: 'T2' });
      expect(state.updatedAt).toBe('T3-recorded');
    });

    it('omits the http status of an error that had none', () => {
      const state = fold([
        ...requested(),
        gatewayCallAttempted({ outcome: 'circuit_open', httpStatus: undefined, startedAt: 'T1' }),
      ]);

      expect(state.lastError).toStrictEqual({ outcome: 'circuit_open', at: 'T1' });
    });

    it('keeps the first transaction id a charge attempt saw', () => {
      const state = fold([
        ...requested(),
        gatewayCallAttempted({ gatewayTransactionId: 'txn_a' }),
        gatewayCallAttempted({ gatewayTransactionId: 'txn_b', attempt: 2 }),
      ]);

      expect(state.gatewayTransactionId).toBe('txn_a');
    });

    it('leaves the status alone for a refund attempt and for a payment past requested', () => {
      const refundAttempt = gatewayCallAttempted({ operation: 'refund', refundId: 'ref_1' });

      expect(fold([...requested(), refundAttempt]).status).toBe('requested');
      expect(fold([...outcomeUnknown(), gatewayCallAttempted()]).status).toBe('outcome_unknown');
      expect(fold([...failed(), gatewayCallAttempted()]).status).toBe('failed');
    });
  });

  describe('when the charge is concluded', () => {
    it('records what was captured on success, and where the answer came from', () => {
      const state = fold([...processing(), paymentSucceeded({ amount: 4000, source: 'webhook' })]);

      expect(state).toMatchObject({
        status: 'succeeded',
        capturedAmount: 4000,
        gatewayTransactionId: 'txn_1',
        outcomeSource: 'webhook',
      });
    });

    it('records why it failed', () => {
      const state = fold([...processing(), paymentFailed({ reason: 'stolen', declineCode: 'd1' })]);

      expect(state).toMatchObject({ status: 'failed', statusReason: 'stolen', declineCode: 'd1' });
      expect(state.capturedAmount).toBe(0);
    });

    it('records what kind of failure it was, until a reconciled success replaces it', () => {
      const history = [...processing(), paymentFailed({ category: 'gateway_unavailable' })];

      const failedState = fold(history);
      const settled = fold([...history, paymentSucceeded({ source: 'reconcile' })]);

      expect(failedState.failureCategory).toBe('gateway_unavailable');
      expect(settled.status).toBe('succeeded');
      expect(settled).not.toHaveProperty('failureCategory');
    });

    it('drops the unknown-outcome reason once a success settles it', () => {
      const state = fold([...outcomeUnknown(), paymentSucceeded({ source: 'reconcile' })]);

      expect(state.status).toBe('succeeded');
      expect(state).not.toHaveProperty('statusReason');
      expect(fold(outcomeUnknown()).statusReason).toBe('timeout');
    });
  });

  describe('when webhooks are linked', () => {
    it('remembers each delivery in order and changes nothing else', () => {
      const before = fold(processing());
      const after = fold([
        ...processing(),
        webhookLinked({ effect: 'no_change', at: 'T9' }),
        webhookLinked({ deliveryEventId: 'evt_2', effect: 'unhandled', at: 'T10' }),
      ]);

      expect(after).toStrictEqual({
        ...before,
        linkedDeliveries: ['evt_delivery_1', 'evt_2'],
        updatedAt: 'T10',
      });
    });

    it('owes the effect of an applied or conflicting link until an event of its delivery follows', () => {
      const linked = [
        ...processing(),
        webhookLinked({ effect: 'applied' }),
        webhookLinked({ deliveryEventId: 'evt_2', effect: 'conflict' }),
        paymentSucceeded({ source: 'reconcile' }),
      ];

      expect(fold(linked).owedWebhookEffects).toEqual(['evt_delivery_1', 'evt_2']);
      const settled = fold([
        ...linked,
        outcomeContradicted({ deliveryEventId: 'evt_2', recordedStatus: 'succeeded' }),
        {
          ...paymentSucceeded({ source: 'webhook' }),
          metadata: { tenantId: 'acme', causationId: 'evt_delivery_1', actor: 'correlator' },
        },
      ]);
      expect(settled).not.toHaveProperty('owedWebhookEffects');
    });
  });

  describe('when a state event carries the link of the delivery that caused it', () => {
    const caused = <E extends PaymentEvent>(event: E): E => ({
      ...event,
      metadata: { tenantId: 'acme', causationId: 'evt_delivery_1', actor: 'correlator' },
    });

    it('links the delivery and owes nothing', () => {
      const state = fold([
        ...processing(),
        caused(linkedBy(paymentSucceeded({ source: 'webhook' }))),
      ]);

      expect(state.linkedDeliveries).toEqual(['evt_delivery_1']);
      expect(state.status).toBe('succeeded');
      expect(state).not.toHaveProperty('owedWebhookEffects');
    });

    it('folds to the state the two events written before the one-event link fold to', () => {
      const before = fold([
        ...processing(),
        webhookLinked({ effect: 'applied' }),
        caused(paymentSucceeded({ source: 'webhook' })),
      ]);
      const after = fold([
        ...processing(),
        caused(linkedBy(paymentSucceeded({ source: 'webhook' }))),
      ]);

      expect(after).toStrictEqual(before);
    });

    it('links a contradiction that carries it, and keeps the contradiction', () => {
      const state = fold([...failed(), linkedBy(outcomeContradicted())]);

      expect(state.linkedDeliveries).toEqual(['evt_delivery_1']);
      expect(state.contradictions).toHaveLength(1);
      expect(state).not.toHaveProperty('owedWebhookEffects');
    });
  });

  describe('when refunds happen', () => {
    it('is partially refunded while some of the captured amount is refunded', () => {
      const state = fold(partiallyRefunded());

      expect(state.status).toBe('partially_refunded');
      expect(state.refundedAmount).toBe(1000);
      expect(state.refunds.ref_1).toMatchObject({ amount: 1000, status: 'succeeded' });
    });

    it('is refunded once all of the captured amount is refunded, over several refunds', () => {
      const state = fold([
        ...partiallyRefunded(),
        refundRequested({ refundId: 'ref_2', amount: 4000 }),
        refundSucceeded({ refundId: 'ref_2', amount: 4000 }),
      ]);

      expect(state.status).toBe('refunded');
      expect(state.refundedAmount).toBe(AMOUNT);
      expect(fold(refunded()).status).toBe('refunded');
    });

    it('keeps the payment succeeded while a refund is pending, unknown or failed', () => {
      expect(fold([...succeeded(), refundRequested()]).status).toBe('succeeded');
      expect(fold([...succeeded(), refundRequested(), refundOutcomeUnknown()]).status).toBe(
        'succeeded',
      );
      const afterFailure = fold([...succeeded(), refundRequested(), refundFailed()]);
      expect(afterFailure.status).toBe('succeeded');
      expect(afterFailure.refunds.ref_1).toMatchObject({
        status: 'failed',
        statusReason: 'refund_failed',
      });
    });

    it('keeps the request reason and time of a refund through its conclusion', () => {
      const state = fold([
        ...succeeded(),
        refundRequested({ reason: 'customer_request', at: EARLIER }),
        refundSucceeded({ gatewayRefundId: 're_gw_1', source: 'webhook' }),
      ]);

      expect(state.refunds.ref_1).toStrictEqual({
        amount: 1000,
        status: 'succeeded',
        reason: 'customer_request',
        requestedAt: EARLIER,
        gatewayRefundId: 're_gw_1',
        source: 'webhook',
        updatedAt: NOW,
      });
    });

    it('creates the refund when a webhook reports one the ledger never requested', () => {
      const state = fold([...succeeded(), refundSucceeded({ refundId: 'wh_dlv_1', amount: 300 })]);

      expect(state.refunds.wh_dlv_1).toMatchObject({ amount: 300, status: 'succeeded' });
      expect(state.status).toBe('partially_refunded');
    });
  });

  describe('when the history is folded', () => {
    it('stays plain JSON, so a projection can store it as it is', () => {
      const state = fold([
        ...outcomeUnknown(),
        webhookLinked(),
        paymentSucceeded({ source: 'webhook' }),
        refundRequested(),
        refundOutcomeUnknown(),
        refundRequested({ refundId: 'ref_2', amount: 200 }),
        refundSucceeded({ refundId: 'ref_2', amount: 200 }),
      ]);

      expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
    });

    it('skips an event type it does not know, as a newer release may write one', () => {
      const state = fold(succeeded());
      const future = { type: 'PaymentDisputed', data: {}, metadata: { tenantId: 'acme' } };

      expect(evolvePayment(state, future as unknown as PaymentEvent)).toBe(state);
    });
  });
});

describe('isTerminal', () => {
  it.each<[PaymentStatus | 'none', () => PaymentEvent[], boolean]>([
    ['none', () => [], false],
    ['requested', requested, false],
    ['processing', processing, false],
    ['outcome_unknown', outcomeUnknown, false],
    ['succeeded', succeeded, true],
    ['failed', failed, true],
    ['partially_refunded', partiallyRefunded, true],
    ['refunded', refunded, true],
  ])('when the payment is %s, answers %s', (_status, history, expected) => {
    expect(isTerminal(fold(history()))).toBe(expected);
  });
});

describe('refundableBalance', () => {
  describe('when the payment never captured anything', () => {
    it('is zero', () => {
      expect(refundableBalance(fold(failed()))).toBe(0);
      expect(refundableBalance(fold(processing()))).toBe(0);
    });
  });

  describe('when refunds are refunded, pending, unknown and failed', () => {
    // 5,000 captured - 1,000 refunded - 700 requested - 300 unknown = 3,000 (the failed 900 is free).
    const state = fold([
      ...partiallyRefunded(),
      refundRequested({ refundId: 'ref_2', amount: 700 }),
      refundRequested({ refundId: 'ref_3', amount: 300 }),
      refundOutcomeUnknown({ refundId: 'ref_3' }),
      refundRequested({ refundId: 'ref_4', amount: 900 }),
      refundFailed({ refundId: 'ref_4' }),
    ]);

    it('subtracts refunded and pending amounts from what was captured', () => {
      expect(pendingRefundAmount(state)).toBe(1000);
      expect(refundableBalance(state)).toBe(3000);
    });

    it('gives a refund back its own reservation when asked for it', () => {
      expect(refundableBalance(state, 'ref_2')).toBe(3700);
      expect(refundableBalance(state, 'ref_1')).toBe(3000);
    });
  });

  describe('when the payment is fully refunded', () => {
    it('is zero', () => {
      expect(refundableBalance(fold(refunded()))).toBe(0);
    });
  });
});

describe('PAYMENT_EVENT_TYPES', () => {
  it('lists every event type once, and tells them from other types', () => {
    expect(new Set(PAYMENT_EVENT_TYPES).size).toBe(13);
    expect(PAYMENT_EVENT_TYPES).toContain('WebhookLinked');
    expect(isPaymentEventType('RefundOutcomeUnknown')).toBe(true);
    expect(isPaymentEventType('WebhookReceived')).toBe(false);
    expect(isPaymentEventType('toString')).toBe(false);
  });
});

describe('decide, then evolve', () => {
  // Each command is decided against the state folded so far, as a command handler would do.
  function run(commands: PaymentCommand[]): { events: PaymentEvent[]; statuses: string[] } {
    const events: PaymentEvent[] = [];
    const statuses: string[] = [];
    let state = paymentDecider.initialState();
    for (const command of commands) {
      const decided = paymentDecider.decide(command, state);
      events.push(...decided);
      state = decided.reduce(paymentDecider.evolve, state);
      statuses.push(state.status ?? 'none');
    }
    return { events, statuses };
  }

  describe('when a charge times out, a webhook settles it and it is refunded in two parts', () => {
    const commands: PaymentCommand[] = [
      requestPayment({}, 'T01'),
      recordGatewayAttempt({ outcome: 'timeout', httpStatus: undefined, nextDelayMs: 200 }, 'T02'),
      recordGatewayAttempt({ attempt: 2, outcome: 'timeout', httpStatus: undefined }, 'T03'),
      concludeCharge({ outcome: 'unknown', reason: 'timeout' }, 'T04'),
      applyWebhook({ gatewayTransactionId: 'txn_wh' }, 'T05'),
      concludeCharge({ outcome: 'declined', source: 'reconcile' }, 'T06'),
      requestRefund({ refundId: 'ref_1', amount: 2000 }, 'T07'),
      concludeRefund({ refundId: 'ref_1', outcome: 'succeeded' }, 'T08'),
      requestRefund({ refundId: 'ref_2', amount: 3000 }, 'T09'),
      applyWebhook(
        {
          deliveryEventId: 'evt_2',
          deliveryId: 'dlv_2',
          intent: 'refund_succeeded',
          refundId: 'ref_2',
        },
        'T10',
      ),
    ];

    it('goes through the expected statuses; the late decline changes no status', () => {
      const { statuses } = run(commands);

      expect(statuses).toEqual([
        'requested',
        'processing',
        'processing',
        'outcome_unknown',
        'succeeded',
        'succeeded',
        'succeeded',
        'partially_refunded',
        'partially_refunded',
        'refunded',
      ]);
    });

    it('folds to the same state from the stored events as it did step by step', () => {
      const { events } = run(commands);
      const state = foldEvents(
        paymentDecider,
        JSON.parse(JSON.stringify(events)) as PaymentEvent[],
      );

      expect(state).toMatchObject({
        status: 'refunded',
        capturedAmount: AMOUNT,
        refundedAmount: AMOUNT,
        gatewayTransactionId: 'txn_wh',
        attempts: 2,
        lastError: { outcome: 'timeout' },
        linkedDeliveries: ['evt_delivery_1', 'evt_2'],
        createdAt: 'T01',
        updatedAt: 'T10',
      });
      expect(events.map((event) => event.type)).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'GatewayCallAttempted',
        'PaymentOutcomeUnknown',
        'PaymentSucceeded',
        'PaymentOutcomeContradicted',
        'RefundRequested',
        'RefundSucceeded',
        'RefundRequested',
        'RefundSucceeded',
      ]);
      // Each webhook's one event carries its link.
      expect(events.map((event) => webhookLinkOf(event)?.deliveryEventId)).toEqual([
        ...Array<undefined>(4),
        'evt_delivery_1',
        ...Array<undefined>(4),
        'evt_2',
      ]);
    });

    it('produces events the event store accepts as they are', () => {
      const { events } = run(commands);
      const appendable: readonly NewEvent[] = events;

      expect(appendable.every((event) => event.metadata?.tenantId === 'acme')).toBe(true);
    });
  });

  describe('when a charge is declined after a failed attempt', () => {
    it('goes requested, processing, failed and stays failed after a late success webhook', () => {
      const { statuses } = run([
        requestPayment({}, 'T01'),
        recordGatewayAttempt({ outcome: 'http_error', httpStatus: 402 }, 'T02'),
        concludeCharge({ outcome: 'declined', declineCode: 'insufficient_funds' }, 'T03'),
        applyWebhook({}, 'T04'),
        concludeCharge({ outcome: 'succeeded', source: 'reconcile' }, 'T05'),
      ]);

      expect(statuses).toEqual(['requested', 'processing', 'failed', 'failed', 'failed']);
    });
  });
});
