import { ValidationFailedError } from '@ledger/errors';
import { stateAfter } from '../decider/decider.spec-helper';
import type { PaymentCommand } from './payment.commands';
import { EARLIER_RUN_MAY_HAVE_SENT, paymentDecider } from './payment.decider';
import type { PaymentStatus } from './payment.state';
import { PaymentAlreadyExistsError, PaymentNotFoundError } from './payment.errors';
import {
  AMOUNT,
  chargeResumed,
  commandMetadata,
  outcomeContradicted,
  resumeCharge,
  concludeCharge,
  eventMetadata,
  failed,
  gatewayCallAttempted,
  NOW,
  outcomeUnknown,
  partiallyRefunded,
  paymentFailed,
  paymentOutcomeUnknown,
  paymentRequested,
  paymentSucceeded,
  processing,
  recordGatewayAttempt,
  refunded,
  requested,
  requestPayment,
  spec,
} from './payment.spec-helper';

describe('RequestPayment', () => {
  describe('when the stream is empty', () => {
    it('records the request with every given field and the command time', () => {
      spec
        .given([])
        .when(requestPayment({ orderId: 'ord_1', description: 'Two tickets' }))
        .then([
          paymentRequested({ orderId: 'ord_1', description: 'Two tickets', requestedAt: NOW }),
        ]);
    });

    it('omits the optional fields that were not given instead of storing undefined', () => {
      spec
        .given([])
        .when(requestPayment({ customerId: undefined }))
        .then([
          {
            type: 'PaymentRequested',
            data: {
              paymentId: 'pay_1',
              amount: AMOUNT,
              currency: 'EUR',
              requestedAt: NOW,
              at: NOW,
            },
            metadata: {
              tenantId: 'acme',
              correlationId: 'corr-1',
              causationId: 'cause-1',
              actor: 'api-key:acme',
            },
            schemaVersion: 1,
          },
        ]);
    });

    it('copies only the tracing metadata that the command has', () => {
      const command = requestPayment();
      const events = paymentDecider.decide(
        { ...command, metadata: { now: NOW, tenantId: 'globex' } },
        paymentDecider.initialState(),
      );

      expect(events[0].metadata).toStrictEqual({ tenantId: 'globex' });
    });

    it.each([
      ['a zero amount', { amount: 0 }, /amount/],
      ['a negative amount', { amount: -100 }, /amount/],
      ['a fractional amount', { amount: 10.5 }, /amount/],
      ['an amount beyond the safe integers', { amount: Number.MAX_SAFE_INTEGER + 1 }, /amount/],
      ['a lower-case currency', { currency: 'eur' }, /currency/],
      ['a four-letter currency', { currency: 'EURO' }, /currency/],
      ['an empty payment id', { paymentId: '' }, /paymentId/],
    ])('refuses %s', (_label, data, message) => {
      spec.given([]).when(requestPayment(data)).thenThrows(ValidationFailedError, {
        code: 'validation_failed',
        status: 400,
      });
      expect(() =>
        paymentDecider.decide(requestPayment(data), paymentDecider.initialState()),
      ).toThrow(
        expect.objectContaining({
          errors: expect.arrayContaining([expect.stringMatching(message)]),
        }),
      );
    });

    it('lists every invalid field in one error', () => {
      const decide = (): unknown =>
        paymentDecider.decide(
          requestPayment({ amount: 0, currency: 'x' }),
          paymentDecider.initialState(),
        );

      expect(decide).toThrow(
        expect.objectContaining({
          errors: [expect.stringMatching(/amount/), expect.stringMatching(/currency/)],
        }),
      );
    });
  });

  describe('when the stream already holds a payment', () => {
    it('refuses to request it again', () => {
      spec
        .given(requested())
        .when(requestPayment())
        .thenThrows(PaymentAlreadyExistsError, {
          code: 'payment_already_exists',
          status: 409,
          details: { paymentId: 'pay_1' },
        });
    });
  });
});

describe('RecordGatewayAttempt', () => {
  describe('when the payment does not exist', () => {
    it('refuses with payment_not_found', () => {
      spec
        .given([])
        .when(recordGatewayAttempt())
        .thenThrows(PaymentNotFoundError, { code: 'payment_not_found', status: 404 });
    });
  });

  describe('when the payment is requested', () => {
    it('records a succeeded attempt with all of its data', () => {
      spec.given(requested()).when(recordGatewayAttempt()).then([gatewayCallAttempted()]);
    });

    it('records a timed-out attempt without the members it does not have', () => {
      spec
        .given(requested())
        .when(
          recordGatewayAttempt({
            outcome: 'timeout',
            httpStatus: undefined,
            gatewayRequestId: undefined,
            gatewayTransactionId: undefined,
            nextDelayMs: 400,
          }),
        )
        .then([
          {
            type: 'GatewayCallAttempted',
            data: {
              operation: 'charge',
              attempt: 1,
              idempotencyKey: 'idem-1',
              method: 'POST',
              path: '/v1/charges',
              startedAt: '2025-03-01T11:59:59.000Z',
              durationMs: 120,
              outcome: 'timeout',
              nextDelayMs: 400,
              breakerState: 'closed',
              at: NOW,
            },
            metadata: eventMetadata,
            schemaVersion: 1,
          },
        ]);
    });

    it('records a call the circuit breaker refused', () => {
      spec
        .given(requested())
        .when(
          recordGatewayAttempt({ outcome: 'circuit_open', breakerState: 'open', durationMs: 0 }),
        )
        .then([
          gatewayCallAttempted({ outcome: 'circuit_open', breakerState: 'open', durationMs: 0 }),
        ]);
    });

    it('does not persist members outside the event schema', () => {
      const command = recordGatewayAttempt();
      const smuggled = { ...command, data: { ...command.data, apiKey: 'secret' } };

      const [event] = paymentDecider.decide(
        smuggled,
        paymentDecider.evolve(paymentDecider.initialState(), paymentRequested()),
      );

      expect(event.data).not.toHaveProperty('apiKey');
    });

    it.each([
      ['attempt 0', { attempt: 0 }],
      ['a fractional attempt', { attempt: 1.5 }],
      ['a negative duration', { durationMs: -1 }],
      ['a refund attempt without a refund id', { operation: 'refund' as const }],
    ])('refuses %s', (_label, data) => {
      spec
        .given(requested())
        .when(recordGatewayAttempt(data))
        .thenThrows(ValidationFailedError, { code: 'validation_failed' });
    });
  });

  describe('when the payment has a definitive outcome', () => {
    it('still records the attempt: every call that crossed the boundary is a fact', () => {
      spec
        .given(failed())
        .when(recordGatewayAttempt({ attempt: 2 }))
        .then([gatewayCallAttempted({ attempt: 2 })]);
    });
  });
});

describe('ConcludeCharge', () => {
  describe('when the payment does not exist', () => {
    it('refuses with payment_not_found', () => {
      spec.given([]).when(concludeCharge()).thenThrows(PaymentNotFoundError);
    });
  });

  describe.each([
    ['requested', requested],
    ['processing', processing],
    ['outcome_unknown', outcomeUnknown],
  ])('when the payment is %s', (_status, history) => {
    it('records a success for the requested amount', () => {
      spec
        .given(history())
        .when(concludeCharge({ outcome: 'succeeded', gatewayTransactionId: 'txn_9' }))
        .then([paymentSucceeded({ amount: AMOUNT, gatewayTransactionId: 'txn_9' })]);
    });

    it('records a decline with its reason and decline code', () => {
      spec
        .given(history())
        .when(
          concludeCharge({
            outcome: 'declined',
            reason: 'insufficient_funds',
            declineCode: 'card_declined',
          }),
        )
        .then([paymentFailed({ reason: 'insufficient_funds', declineCode: 'card_declined' })]);
    });

    it('records an unknown outcome as unknown, never as a failure', () => {
      spec
        .given(history())
        .when(concludeCharge({ outcome: 'unknown', reason: 'timeout', source: 'reconcile' }))
        .then([paymentOutcomeUnknown({ reason: 'timeout', source: 'reconcile' })]);
    });
  });

  describe('when the payment is requested and the conclusion gives no details', () => {
    it('says "declined" for a decline without a reason', () => {
      spec
        .given(requested())
        .when(concludeCharge({ outcome: 'declined' }))
        .then([paymentFailed({ reason: 'declined' })]);
    });

    it('gives a default reason to an unknown outcome', () => {
      spec
        .given(requested())
        .when(concludeCharge({ outcome: 'unknown' }))
        .then([paymentOutcomeUnknown({ reason: 'no_definitive_answer' })]);
    });

    it('omits the transaction id when neither the conclusion nor an attempt had one', () => {
      spec
        .given(requested())
        .when(concludeCharge({ outcome: 'succeeded' }))
        .then([
          {
            type: 'PaymentSucceeded',
            data: { amount: AMOUNT, source: 'gateway_response', at: NOW },
            metadata: eventMetadata,
            schemaVersion: 1,
          },
        ]);
    });
  });

  describe('when the payment is processing and an attempt saw the transaction id', () => {
    it('keeps that transaction id on the success', () => {
      spec
        .given(processing())
        .when(concludeCharge({ outcome: 'succeeded' }))
        .then([paymentSucceeded({ gatewayTransactionId: 'txn_1' })]);
    });
  });

  describe('when the payment is processing and the charge is declined', () => {
    it('writes PaymentFailed v2, with a category', () => {
      const [event] = paymentDecider.decide(
        concludeCharge({ outcome: 'declined', reason: 'card_declined' }),
        stateAfter(paymentDecider, processing()),
      );

      expect(event).toMatchObject({
        type: 'PaymentFailed',
        schemaVersion: 2,
        data: { reason: 'card_declined', category: 'declined' },
      });
    });

    it.each([
      [
        'gateway_unavailable for a charge never sent',
        { reason: 'gateway not attempted: circuit_open', declineCode: 'circuit_open' },
        'gateway_unavailable',
      ],
      [
        'invalid_request for a 4xx that blames the request',
        { reason: 'The gateway answered 400', declineCode: 'http_400' },
        'invalid_request',
      ],
      [
        'invalid_request for the gateway’s own invalid_request code',
        { reason: 'amount must be positive', declineCode: 'invalid_request' },
        'invalid_request',
      ],
      [
        'declined for a 402, how gateways say "declined"',
        { reason: 'The gateway answered 402', declineCode: 'http_402' },
        'declined',
      ],
      ['declined for a card decline', { declineCode: 'insufficient_funds' }, 'declined'],
    ] as const)('derives %s', (_case, details, category) => {
      const reason = 'reason' in details ? details.reason : 'declined';

      spec
        .given(processing())
        .when(concludeCharge({ outcome: 'declined', ...details }))
        .then([paymentFailed({ reason, declineCode: details.declineCode, category })]);
    });

    it('takes the category the command gives over the derived one', () => {
      spec
        .given(processing())
        .when(
          concludeCharge({
            outcome: 'declined',
            reason: 'card_declined',
            category: 'invalid_request',
          }),
        )
        .then([paymentFailed({ reason: 'card_declined', category: 'invalid_request' })]);
    });
  });

  describe('when the payment already succeeded (the first definitive outcome wins)', () => {
    it.each(['succeeded', 'unknown', 'not_attempted'] as const)(
      'ignores a %s conclusion',
      (outcome) => {
        spec
          .given([...processing(), paymentSucceeded()])
          .when(concludeCharge({ outcome }))
          .then([]);
      },
    );

    it('keeps the success and records a decline reported by reconcile as a contradiction', () => {
      spec
        .given([...processing(), paymentSucceeded()])
        .when(
          concludeCharge({
            outcome: 'declined',
            gatewayTransactionId: 'txn_1',
            source: 'reconcile',
          }),
        )
        .then([
          outcomeContradicted({
            reported: 'payment_failed',
            recordedStatus: 'succeeded',
            conflict: 'payment_succeeded_at_ledger',
            source: 'reconcile',
            deliveryEventId: undefined,
            gatewayTransactionId: 'txn_1',
          }),
        ]);
    });
  });

  describe('when the payment already failed (the first definitive outcome wins)', () => {
    it.each(['declined', 'unknown', 'not_attempted'] as const)(
      'ignores a %s conclusion',
      (outcome) => {
        spec.given(failed()).when(concludeCharge({ outcome })).then([]);
      },
    );

    it('keeps the failure and records the success reconcile found as a contradiction', () => {
      spec
        .given(failed())
        .when(
          concludeCharge({
            outcome: 'succeeded',
            gatewayTransactionId: 'txn_9',
            source: 'reconcile',
          }),
        )
        .then([
          outcomeContradicted({
            source: 'reconcile',
            deliveryEventId: undefined,
            gatewayTransactionId: 'txn_9',
          }),
        ]);
    });

    it('records the same contradiction only once when reconcile is asked again', () => {
      spec
        .given([
          ...failed(),
          outcomeContradicted({
            source: 'reconcile',
            deliveryEventId: undefined,
            gatewayTransactionId: 'txn_9',
          }),
        ])
        .when(
          concludeCharge({
            outcome: 'succeeded',
            gatewayTransactionId: 'txn_9',
            source: 'reconcile',
          }),
        )
        .then([]);
    });
  });

  describe.each([
    ['partially_refunded', partiallyRefunded],
    ['refunded', refunded],
  ])('when the payment is %s', (status, history) => {
    it.each(['succeeded', 'unknown', 'not_attempted'] as const)(
      'ignores a %s conclusion',
      (outcome) => {
        spec.given(history()).when(concludeCharge({ outcome })).then([]);
      },
    );

    it('records a reported decline as a contradiction', () => {
      spec
        .given(history())
        .when(concludeCharge({ outcome: 'declined', source: 'reconcile' }))
        .then([
          outcomeContradicted({
            reported: 'payment_failed',
            recordedStatus: status as PaymentStatus,
            conflict: 'payment_succeeded_at_ledger',
            source: 'reconcile',
            deliveryEventId: undefined,
          }),
        ]);
    });
  });

  describe('when the run that requested the payment could not send the charge', () => {
    it.each(['circuit_open', 'bulkhead_rejected'])(
      'records failed (%s): no run can have sent anything',
      (reason) => {
        spec
          .given(processing())
          .when(concludeCharge({ outcome: 'not_attempted', reason }))
          .then([
            paymentFailed({
              reason: `gateway not attempted: ${reason}`,
              declineCode: reason,
              category: 'gateway_unavailable',
            }),
          ]);
      },
    );
  });

  describe('when another run resumed the charge and this run could not send it', () => {
    it('records outcome_unknown, never failed: the earlier run may have sent it', () => {
      spec
        .given([...requested(), chargeResumed()])
        .when(concludeCharge({ outcome: 'not_attempted', reason: 'circuit_open' }))
        .then([
          paymentOutcomeUnknown({
            reason: `gateway not attempted (circuit_open) ${EARLIER_RUN_MAY_HAVE_SENT}`,
          }),
        ]);
    });

    it('records nothing more when the outcome is already unknown', () => {
      spec
        .given([...outcomeUnknown(), chargeResumed({ by: 'reconcile' })])
        .when(
          concludeCharge({ outcome: 'not_attempted', reason: 'circuit_open', source: 'reconcile' }),
        )
        .then([]);
    });

    it('still lets a definitive answer conclude it', () => {
      spec
        .given([...requested(), chargeResumed()])
        .when(concludeCharge({ outcome: 'succeeded', gatewayTransactionId: 'txn_3' }))
        .then([paymentSucceeded({ gatewayTransactionId: 'txn_3' })]);
    });
  });

  describe('when the outcome was unknown and reconciliation finds the charge', () => {
    it('lets the definitive answer replace the unknown one', () => {
      spec
        .given(outcomeUnknown())
        .when(
          concludeCharge({
            outcome: 'succeeded',
            gatewayTransactionId: 'txn_7',
            source: 'reconcile',
          }),
        )
        .then([paymentSucceeded({ gatewayTransactionId: 'txn_7', source: 'reconcile' })]);
    });
  });
});

describe('ResumeCharge', () => {
  describe.each([
    ['requested', requested],
    ['processing', processing],
    ['outcome_unknown', outcomeUnknown],
  ])('when the payment is %s', (_status, history) => {
    it('records that another run may send the charge', () => {
      spec
        .given(history())
        .when(resumeCharge({ by: 'reconcile' }))
        .then([chargeResumed({ by: 'reconcile' })]);
    });
  });

  describe('when the charge is concluded', () => {
    it.each([
      ['succeeded', () => [...processing(), paymentSucceeded()]],
      ['failed', failed],
    ])('records nothing (%s): it will not be sent again', (_status, history) => {
      spec.given(history()).when(resumeCharge()).then([]);
    });
  });

  describe('when the payment does not exist', () => {
    it('refuses with payment_not_found', () => {
      spec.given([]).when(resumeCharge()).thenThrows(PaymentNotFoundError);
    });
  });
});

describe('an unknown command type', () => {
  it('is refused loudly rather than ignored', () => {
    const bogus = { type: 'CancelPayment', data: {}, metadata: commandMetadata };

    expect(() =>
      paymentDecider.decide(bogus as unknown as PaymentCommand, paymentDecider.initialState()),
    ).toThrow(/CancelPayment/);
  });
});
