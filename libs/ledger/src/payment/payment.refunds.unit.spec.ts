import { stateAfter } from '../decider/decider.spec-helper';
import { paymentDecider } from './payment.decider';
import { refundableBalance } from './payment.state';
import { ValidationFailedError } from '@ledger/errors';
import {
  PaymentNotFoundError,
  PaymentNotRefundableError,
  RefundAlreadyExistsError,
  RefundExceedsBalanceError,
  RefundNotFoundError,
} from './payment.errors';
import {
  AMOUNT,
  concludeRefund,
  failed,
  NOW,
  outcomeUnknown,
  partiallyRefunded,
  paymentSucceeded,
  processing,
  refunded,
  refundFailed,
  refundOutcomeUnknown,
  refundRequested,
  refundResumed,
  refundSucceeded,
  requested,
  requestRefund,
  resumeRefund,
  spec,
  succeeded,
} from './payment.spec-helper';

describe('ResumeRefund', () => {
  describe('when the refund is pending', () => {
    it('records that another run may send it', () => {
      spec
        .given([...succeeded(), refundRequested()])
        .when(resumeRefund())
        .then([refundResumed()]);
    });
  });

  describe('when the refund is concluded', () => {
    it('records nothing', () => {
      spec.given(partiallyRefunded()).when(resumeRefund()).then([]);
    });
  });

  describe('when the payment has no refund with that id', () => {
    it('refuses with refund_not_found', () => {
      spec
        .given(succeeded())
        .when(resumeRefund({ refundId: 'ref_x' }))
        .thenThrows(RefundNotFoundError);
    });
  });
});

describe('RequestRefund', () => {
  describe('when the payment does not exist', () => {
    it('refuses with payment_not_found', () => {
      spec.given([]).when(requestRefund()).thenThrows(PaymentNotFoundError);
    });
  });

  describe('when the payment succeeded', () => {
    it('records the refund request with its reason and the command time', () => {
      spec
        .given(succeeded())
        .when(requestRefund({ reason: 'customer_request' }))
        .then([refundRequested({ reason: 'customer_request', requestedAt: NOW })]);
    });

    it('accepts a refund of the whole captured amount', () => {
      spec
        .given(succeeded())
        .when(requestRefund({ amount: AMOUNT }))
        .then([refundRequested({ amount: AMOUNT })]);
    });

    it('refuses one minor unit more than was captured, saying what is refundable', () => {
      spec
        .given(succeeded())
        .when(requestRefund({ amount: AMOUNT + 1 }))
        .thenThrows(RefundExceedsBalanceError, {
          code: 'refund_exceeds_balance',
          status: 409,
          details: { requested: AMOUNT + 1, refundable: AMOUNT },
        });
    });

    it.each([
      ['a zero amount', { amount: 0 }],
      ['a fractional amount', { amount: 0.5 }],
      ['an empty refund id', { refundId: '' }],
    ])('refuses %s', (_label, data) => {
      spec
        .given(succeeded())
        .when(requestRefund(data))
        .thenThrows(ValidationFailedError, { code: 'validation_failed' });
    });
  });

  describe('when the gateway captured less than was requested', () => {
    it('counts what was captured, not what was requested', () => {
      spec
        .given([...processing(), paymentSucceeded({ amount: 3000 })])
        .when(requestRefund({ amount: 3001 }))
        .thenThrows(RefundExceedsBalanceError, { details: { requested: 3001, refundable: 3000 } });
    });
  });

  describe('when other refunds are pending', () => {
    // 5,000 captured, 1,000 refunded, 1,500 requested and 500 of unknown outcome: 2,000 left.
    const history = [
      ...partiallyRefunded(),
      refundRequested({ refundId: 'ref_2', amount: 1500 }),
      refundRequested({ refundId: 'ref_3', amount: 500 }),
      refundOutcomeUnknown({ refundId: 'ref_3' }),
    ];

    it('accepts a refund of exactly the rest', () => {
      spec
        .given(history)
        .when(requestRefund({ refundId: 'ref_4', amount: 2000 }))
        .then([refundRequested({ refundId: 'ref_4', amount: 2000 })]);
    });

    it('refuses a refund that would spend money the pending refunds may have moved', () => {
      spec
        .given(history)
        .when(requestRefund({ refundId: 'ref_4', amount: 2001 }))
        .thenThrows(RefundExceedsBalanceError, {
          details: { requested: 2001, refundable: 2000 },
        });
    });

    it('releases the amount of a refund that failed', () => {
      spec
        .given([...history, refundFailed({ refundId: 'ref_2' })])
        .when(requestRefund({ refundId: 'ref_4', amount: 3500 }))
        .then([refundRequested({ refundId: 'ref_4', amount: 3500 })]);
    });
  });

  describe('when a refund with the same id was already requested', () => {
    it('refuses it as a duplicate', () => {
      spec
        .given([...succeeded(), refundRequested()])
        .when(requestRefund())
        .thenThrows(RefundAlreadyExistsError, {
          code: 'refund_already_exists',
          status: 409,
          details: { refundId: 'ref_1' },
        });
    });

    it('refuses it as a duplicate even once the payment is fully refunded', () => {
      spec.given(refunded()).when(requestRefund()).thenThrows(RefundAlreadyExistsError);
    });
  });

  describe('when the refund id is a name every object inherits', () => {
    it('is treated as a new refund', () => {
      spec
        .given(succeeded())
        .when(requestRefund({ refundId: 'constructor' }))
        .then([refundRequested({ refundId: 'constructor' })]);
    });
  });

  describe.each([
    ['requested', requested],
    ['processing', processing],
    ['failed', failed],
    ['outcome_unknown', outcomeUnknown],
    ['refunded', refunded],
  ])('when the payment is %s', (status, history) => {
    it('refuses with payment_not_refundable', () => {
      spec
        .given(history())
        .when(requestRefund({ refundId: 'ref_new' }))
        .thenThrows(PaymentNotRefundableError, {
          code: 'payment_not_refundable',
          status: 409,
          details: { paymentStatus: status },
        });
    });
  });
});

describe('ConcludeRefund', () => {
  describe('when the payment does not exist', () => {
    it('refuses with payment_not_found', () => {
      spec.given([]).when(concludeRefund()).thenThrows(PaymentNotFoundError);
    });
  });

  describe('when the payment has no refund with that id', () => {
    it('refuses with refund_not_found', () => {
      spec
        .given(succeeded())
        .when(concludeRefund({ refundId: 'ref_missing' }))
        .thenThrows(RefundNotFoundError, { code: 'refund_not_found', status: 404 });
    });
  });

  describe.each([
    ['requested', [refundRequested()]],
    ['outcome_unknown', [refundRequested(), refundOutcomeUnknown()]],
  ])('when the refund is %s', (_status, refundHistory) => {
    it('records a success for the requested amount', () => {
      spec
        .given([...succeeded(), ...refundHistory])
        .when(concludeRefund({ outcome: 'succeeded', gatewayRefundId: 're_gw_1' }))
        .then([refundSucceeded({ amount: 1000, gatewayRefundId: 're_gw_1' })]);
    });

    it('records a failure with its reason', () => {
      spec
        .given([...succeeded(), ...refundHistory])
        .when(concludeRefund({ outcome: 'failed', reason: 'insufficient_balance' }))
        .then([refundFailed({ reason: 'insufficient_balance' })]);
    });

    it('records an unknown outcome as unknown', () => {
      spec
        .given([...succeeded(), ...refundHistory])
        .when(concludeRefund({ outcome: 'unknown', reason: 'timeout', source: 'reconcile' }))
        .then([refundOutcomeUnknown({ reason: 'timeout', source: 'reconcile' })]);
    });
  });

  describe('when the refund is requested and the conclusion gives no reason', () => {
    it('uses the default reasons', () => {
      const history = [...succeeded(), refundRequested()];

      spec
        .given(history)
        .when(concludeRefund({ outcome: 'failed' }))
        .then([refundFailed({ reason: 'refund_failed' })]);
      spec
        .given(history)
        .when(concludeRefund({ outcome: 'unknown' }))
        .then([refundOutcomeUnknown({ reason: 'no_definitive_answer' })]);
    });
  });

  describe('when the run that requested the refund could not send it', () => {
    it('records the failure: no run can have sent anything', () => {
      spec
        .given([...succeeded(), refundRequested()])
        .when(concludeRefund({ outcome: 'not_attempted', reason: 'circuit_open' }))
        .then([refundFailed({ reason: 'gateway not attempted: circuit_open' })]);
    });
  });

  describe('when a resumed run could not send the refund', () => {
    it('records outcome_unknown, never failed: the earlier run may have sent it', () => {
      spec
        .given([...succeeded(), refundRequested(), refundResumed()])
        .when(concludeRefund({ outcome: 'not_attempted', reason: 'circuit_open' }))
        .then([
          refundOutcomeUnknown({
            reason:
              'gateway not attempted (circuit_open) but an earlier run may have sent the refund',
          }),
        ]);
    });

    it('keeps holding the refund amount out of the refundable balance', () => {
      const state = stateAfter(paymentDecider, [
        ...succeeded(),
        refundRequested(),
        refundResumed(),
        refundOutcomeUnknown(),
      ]);

      expect(refundableBalance(state)).toBe(AMOUNT - 1000);
    });
  });

  describe('when the refund already succeeded (the first definitive outcome wins)', () => {
    it.each(['succeeded', 'failed', 'unknown', 'not_attempted'] as const)(
      'ignores a %s conclusion',
      (outcome) => {
        spec.given(partiallyRefunded()).when(concludeRefund({ outcome })).then([]);
      },
    );
  });

  describe('when the refund already failed (the first definitive outcome wins)', () => {
    it.each(['succeeded', 'failed', 'unknown', 'not_attempted'] as const)(
      'ignores a %s conclusion',
      (outcome) => {
        spec
          .given([...succeeded(), refundRequested(), refundFailed()])
          .when(concludeRefund({ outcome }))
          .then([]);
      },
    );
  });
});
