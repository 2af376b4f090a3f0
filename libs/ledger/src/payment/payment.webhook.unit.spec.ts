import { stateAfter } from '../decider/decider.spec-helper';
import { paymentDecider } from './payment.decider';
import type { PaymentOutcomeContradicted } from './payment.events';
import { isContradicted, type PaymentStatus } from './payment.state';
import { PaymentNotFoundError } from './payment.errors';
import {
  AMOUNT,
  applyWebhook,
  NOW,
  failed,
  outcomeUnknown,
  partiallyRefunded,
  paymentFailed,
  paymentSucceeded,
  processing,
  refunded,
  refundFailed,
  refundOutcomeUnknown,
  refundRequested,
  refundSucceeded,
  requested,
  outcomeContradicted,
  spec,
  succeeded,
  webhookLinked,
  linkedBy,
  chargeResumed,
  eventMetadata,
} from './payment.spec-helper';

const refundContradiction = (
  conflict: string,
  data: Partial<PaymentOutcomeContradicted['data']> = {},
): PaymentOutcomeContradicted =>
  outcomeContradicted({
    reported: 'refund_succeeded',
    recordedStatus: 'succeeded',
    conflict,
    refundId: 'ref_1',
    ...data,
  });

/** The event as the correlator writes it: caused by the delivery it applies. */
const causedByTheDelivery = <E extends { metadata: object }>(event: E): E => ({
  ...event,
  metadata: { ...eventMetadata, causationId: 'evt_delivery_1', actor: 'correlator' },
});

describe('ApplyWebhook', () => {
  describe('when the payment does not exist', () => {
    it('refuses with payment_not_found, so the correlator keeps the delivery pending', () => {
      spec
        .given([])
        .when(applyWebhook())
        .thenThrows(PaymentNotFoundError, { code: 'payment_not_found' });
    });
  });

  describe('when the delivery is already linked to the payment', () => {
    it('changes nothing at all, not even a second link', () => {
      spec
        .given([...processing(), webhookLinked(), paymentSucceeded({ source: 'webhook' })])
        .when(applyWebhook())
        .then([]);
    });

    it('changes nothing even when its first link was a no-op', () => {
      spec
        .given([...failed(), webhookLinked({ intent: 'payment_failed', effect: 'no_change' })])
        .when(applyWebhook({ intent: 'payment_failed' }))
        .then([]);
    });
  });

  describe('when the state event it caused carries its link', () => {
    it('changes nothing at all: no second link, no second success', () => {
      spec
        .given([
          ...processing(),
          causedByTheDelivery(linkedBy(paymentSucceeded({ source: 'webhook' }))),
        ])
        .when(applyWebhook())
        .then([]);
    });

    it('changes nothing for a contradiction that carries it either', () => {
      spec
        .given([...failed(), linkedBy(outcomeContradicted())])
        .when(applyWebhook())
        .then([]);
    });

    it('links and decides another delivery that says the same thing, with no effect', () => {
      spec
        .given([...processing(), linkedBy(paymentSucceeded({ source: 'webhook' }))])
        .when(applyWebhook({ deliveryEventId: 'evt_delivery_2', deliveryId: 'dlv_2' }))
        .then([
          webhookLinked({
            deliveryEventId: 'evt_delivery_2',
            deliveryId: 'dlv_2',
            effect: 'no_change',
          }),
        ]);
    });
  });

  describe('when the delivery is linked but its effect was never written (a stream written before the one-event link)', () => {
    it('decides the owed success alone, not a second link', () => {
      spec
        .given([...processing(), webhookLinked({ effect: 'applied' })])
        .when(applyWebhook({ gatewayTransactionId: 'txn_wh' }))
        .then([paymentSucceeded({ gatewayTransactionId: 'txn_wh', source: 'webhook' })]);
    });

    it('decides the owed contradiction of a conflict', () => {
      spec
        .given([...failed(), webhookLinked({ effect: 'conflict' })])
        .when(applyWebhook())
        .then([outcomeContradicted()]);
    });

    it('decides nothing once the owed effect is written', () => {
      spec
        .given([
          ...processing(),
          webhookLinked({ effect: 'applied' }),
          causedByTheDelivery(
            paymentSucceeded({ gatewayTransactionId: 'txn_wh', source: 'webhook' }),
          ),
        ])
        .when(applyWebhook({ gatewayTransactionId: 'txn_wh' }))
        .then([]);
    });

    it('decides nothing once the owed contradiction is written', () => {
      spec
        .given([...failed(), webhookLinked({ effect: 'conflict' }), outcomeContradicted()])
        .when(applyWebhook())
        .then([]);
    });

    it('still owes the success when another event took the next version', () => {
      spec
        .given([...processing(), webhookLinked({ effect: 'applied' }), chargeResumed()])
        .when(applyWebhook({ gatewayTransactionId: 'txn_wh' }))
        .then([paymentSucceeded({ gatewayTransactionId: 'txn_wh', source: 'webhook' })]);
    });

    it('still owes it after another delivery was linked in between', () => {
      spec
        .given([
          ...processing(),
          webhookLinked({ effect: 'applied' }),
          webhookLinked({
            deliveryEventId: 'evt_delivery_2',
            deliveryId: 'dlv_2',
            effect: 'no_change',
            intent: 'unknown',
          }),
        ])
        .when(applyWebhook({ gatewayTransactionId: 'txn_wh' }))
        .then([paymentSucceeded({ gatewayTransactionId: 'txn_wh', source: 'webhook' })]);
    });

    it('decides nothing when the payment was concluded the same way in between', () => {
      spec
        .given([
          ...processing(),
          webhookLinked({ effect: 'applied' }),
          paymentSucceeded({ source: 'reconcile' }),
        ])
        .when(applyWebhook())
        .then([]);
    });

    it('records a contradiction when the payment was concluded the other way in between', () => {
      spec
        .given([...processing(), webhookLinked({ effect: 'applied' }), paymentFailed()])
        .when(applyWebhook())
        .then([outcomeContradicted({ recordedStatus: 'failed' })]);
    });

    it('decides nothing for a link that owed nothing', () => {
      spec
        .given([...processing(), webhookLinked({ intent: 'unknown', effect: 'unhandled' })])
        .when(applyWebhook({ intent: 'unknown' }))
        .then([]);
    });
  });

  describe('when another delivery says the same thing', () => {
    it('links it too, with no effect', () => {
      spec
        .given([...processing(), webhookLinked(), paymentSucceeded({ source: 'webhook' })])
        .when(applyWebhook({ deliveryEventId: 'evt_delivery_2', deliveryId: 'dlv_2' }))
        .then([
          webhookLinked({
            deliveryEventId: 'evt_delivery_2',
            deliveryId: 'dlv_2',
            effect: 'no_change',
          }),
        ]);
    });
  });

  describe('payment_succeeded', () => {
    describe.each([
      ['requested', requested],
      ['processing', processing],
      ['outcome_unknown', outcomeUnknown],
    ])('when the payment is %s', (_status, history) => {
      it('records the success from the webhook in one event that carries the link', () => {
        spec
          .given(history())
          .when(applyWebhook({ gatewayTransactionId: 'txn_wh' }))
          .then([
            linkedBy(paymentSucceeded({ gatewayTransactionId: 'txn_wh', source: 'webhook' })),
          ]);
      });
    });

    describe('when the payment is processing', () => {
      it('books the amount the webhook reports when it reports one', () => {
        spec
          .given(processing())
          .when(applyWebhook({ amount: 4000, currency: 'EUR' }))
          .then([linkedBy(paymentSucceeded({ amount: 4000, source: 'webhook' }))]);
      });

      it('flags a conflict when the webhook reports more than was requested', () => {
        spec
          .given(processing())
          .when(applyWebhook({ amount: AMOUNT + 1 }))
          .then([
            linkedBy(
              outcomeContradicted({
                recordedStatus: 'processing',
                conflict: 'amount_or_currency_mismatch',
                amount: AMOUNT + 1,
              }),
            ),
          ]);
      });

      it('flags a conflict when the webhook reports another currency', () => {
        spec
          .given(processing())
          .when(applyWebhook({ currency: 'USD' }))
          .then([
            linkedBy(
              outcomeContradicted({
                recordedStatus: 'processing',
                conflict: 'amount_or_currency_mismatch',
                currency: 'USD',
              }),
            ),
          ]);
      });

      it('flags a conflict when the webhook reports an amount that is not minor units', () => {
        spec
          .given(processing())
          .when(applyWebhook({ amount: 12.5 }))
          .then([
            linkedBy(
              outcomeContradicted({
                recordedStatus: 'processing',
                conflict: 'amount_or_currency_mismatch',
                amount: 12.5,
              }),
            ),
          ]);
      });
    });

    describe.each([
      ['succeeded', succeeded],
      ['partially_refunded', partiallyRefunded],
      ['refunded', refunded],
    ])('when the payment is %s', (_status, history) => {
      it('links the delivery with no change', () => {
        spec
          .given(history())
          .when(applyWebhook())
          .then([webhookLinked({ effect: 'no_change' })]);
      });
    });

    describe('when the payment already failed', () => {
      it('records the contradiction carrying the link; the failure stays', () => {
        spec
          .given(failed())
          .when(applyWebhook({ gatewayTransactionId: 'txn_wh', amount: AMOUNT, currency: 'EUR' }))
          .then([
            linkedBy(
              outcomeContradicted({
                gatewayTransactionId: 'txn_wh',
                amount: AMOUNT,
                currency: 'EUR',
              }),
            ),
          ]);
      });

      it('keeps the contradiction in the state, with the status unchanged', () => {
        const state = stateAfter(paymentDecider, [
          ...failed(),
          webhookLinked({ effect: 'conflict' }),
          outcomeContradicted({ gatewayTransactionId: 'txn_wh' }),
        ]);

        expect(state.status).toBe('failed');
        expect(isContradicted(state)).toBe(true);
        expect(state.contradictions).toEqual([
          {
            reported: 'payment_succeeded',
            recordedStatus: 'failed',
            conflict: 'payment_failed_at_ledger',
            source: 'webhook',
            deliveryEventId: 'evt_delivery_1',
            gatewayTransactionId: 'txn_wh',
            at: NOW,
          },
        ]);
      });
    });
  });

  describe('payment_failed', () => {
    describe.each([
      ['requested', requested],
      ['processing', processing],
      ['outcome_unknown', outcomeUnknown],
    ])('when the payment is %s', (_status, history) => {
      it('records the failure with its reason, carrying the link', () => {
        spec
          .given(history())
          .when(applyWebhook({ intent: 'payment_failed', reason: 'expired_card' }))
          .then([
            linkedBy(paymentFailed({ reason: 'expired_card', source: 'webhook' }), {
              intent: 'payment_failed',
            }),
          ]);
      });
    });

    describe('when the webhook carries the decline code', () => {
      it('records the code as the reason and the decline code, as the HTTP answer does', () => {
        spec
          .given(processing())
          .when(
            applyWebhook({
              intent: 'payment_failed',
              reason: 'The card has insufficient funds',
              declineCode: 'insufficient_funds',
            }),
          )
          .then([
            linkedBy(
              paymentFailed({
                reason: 'insufficient_funds',
                declineCode: 'insufficient_funds',
                source: 'webhook',
              }),
              { intent: 'payment_failed' },
            ),
          ]);
      });
    });

    describe('when the payment is processing and the webhook gives no reason', () => {
      it('records the failure as "declined"', () => {
        spec
          .given(processing())
          .when(applyWebhook({ intent: 'payment_failed' }))
          .then([
            linkedBy(paymentFailed({ reason: 'declined', source: 'webhook' }), {
              intent: 'payment_failed',
            }),
          ]);
      });
    });

    describe('when the payment already failed', () => {
      it('links the delivery with no change', () => {
        spec
          .given(failed())
          .when(applyWebhook({ intent: 'payment_failed' }))
          .then([webhookLinked({ intent: 'payment_failed', effect: 'no_change' })]);
      });
    });

    describe.each([
      ['succeeded', succeeded],
      ['partially_refunded', partiallyRefunded],
      ['refunded', refunded],
    ])('when the payment is %s', (_status, history) => {
      it('records the contradiction carrying the link and keeps the success', () => {
        spec
          .given(history())
          .when(applyWebhook({ intent: 'payment_failed' }))
          .then([
            linkedBy(
              outcomeContradicted({
                reported: 'payment_failed',
                recordedStatus: _status as PaymentStatus,
                conflict: 'payment_succeeded_at_ledger',
              }),
              { intent: 'payment_failed' },
            ),
          ]);
      });
    });
  });

  describe('refund_succeeded', () => {
    const refundWebhook = { intent: 'refund_succeeded' as const, refundId: 'ref_1' };

    describe('when the refund is pending', () => {
      it('records the refund for its requested amount', () => {
        spec
          .given([...succeeded(), refundRequested()])
          .when(applyWebhook({ ...refundWebhook, gatewayRefundId: 're_gw_1' }))
          .then([
            linkedBy(
              refundSucceeded({ amount: 1000, gatewayRefundId: 're_gw_1', source: 'webhook' }),
              { intent: 'refund_succeeded' },
            ),
          ]);
      });

      it('settles a refund whose outcome was unknown', () => {
        spec
          .given([...succeeded(), refundRequested(), refundOutcomeUnknown()])
          .when(applyWebhook(refundWebhook))
          .then([linkedBy(refundSucceeded({ source: 'webhook' }), { intent: 'refund_succeeded' })]);
      });

      it('may use its own reservation but not that of another pending refund', () => {
        // 5,000 captured; ref_1 holds 1,000 and ref_2 holds 3,000: ref_1 may grow to 2,000.
        const history = [
          ...succeeded(),
          refundRequested(),
          refundRequested({ refundId: 'ref_2', amount: 3000 }),
        ];

        spec
          .given(history)
          .when(applyWebhook({ ...refundWebhook, amount: 2000 }))
          .then([
            linkedBy(refundSucceeded({ amount: 2000, source: 'webhook' }), {
              intent: 'refund_succeeded',
            }),
          ]);
        spec
          .given(history)
          .when(applyWebhook({ ...refundWebhook, amount: 2001 }))
          .then([
            linkedBy(refundContradiction('refund_exceeds_balance', { amount: 2001 }), {
              intent: 'refund_succeeded',
            }),
          ]);
      });
    });

    describe('when the refund is unknown to the ledger and the webhook names no refund id', () => {
      it('records it under an id derived from the delivery', () => {
        spec
          .given(succeeded())
          .when(applyWebhook({ intent: 'refund_succeeded', amount: 700 }))
          .then([
            linkedBy(refundSucceeded({ refundId: 'wh_dlv_1', amount: 700, source: 'webhook' }), {
              intent: 'refund_succeeded',
            }),
          ]);
      });

      it('flags a conflict when the webhook has no amount either', () => {
        spec
          .given(succeeded())
          .when(applyWebhook({ intent: 'refund_succeeded' }))
          .then([
            linkedBy(refundContradiction('refund_amount_unknown', { refundId: 'wh_dlv_1' }), {
              intent: 'refund_succeeded',
            }),
          ]);
      });
    });

    describe('when the refund already succeeded', () => {
      it('links the delivery with no change', () => {
        spec
          .given(partiallyRefunded())
          .when(applyWebhook(refundWebhook))
          .then([webhookLinked({ intent: 'refund_succeeded', effect: 'no_change' })]);
      });

      it('links it with no change even when the payment is fully refunded', () => {
        spec
          .given(refunded())
          .when(applyWebhook(refundWebhook))
          .then([webhookLinked({ intent: 'refund_succeeded', effect: 'no_change' })]);
      });
    });

    describe('when the refund already failed', () => {
      it('links the delivery as a conflict', () => {
        spec
          .given([...succeeded(), refundRequested(), refundFailed()])
          .when(applyWebhook(refundWebhook))
          .then([
            linkedBy(refundContradiction('refund_failed_at_ledger'), {
              intent: 'refund_succeeded',
            }),
          ]);
      });
    });

    describe.each([
      ['processing', processing],
      ['failed', failed],
      ['outcome_unknown', outcomeUnknown],
    ])('when the payment is %s', (_status, history) => {
      it('records the contradiction carrying the link: there is nothing captured to refund', () => {
        spec
          .given(history())
          .when(applyWebhook({ ...refundWebhook, amount: 100 }))
          .then([
            linkedBy(
              refundContradiction('payment_not_refundable', {
                recordedStatus: _status as PaymentStatus,
                amount: 100,
              }),
              { intent: 'refund_succeeded' },
            ),
          ]);
      });
    });

    describe('when the payment is partially refunded', () => {
      it('flags a conflict when the amount exceeds what is left', () => {
        spec
          .given(partiallyRefunded())
          .when(applyWebhook({ intent: 'refund_succeeded', refundId: 'ref_2', amount: 4001 }))
          .then([
            linkedBy(
              refundContradiction('refund_exceeds_balance', {
                recordedStatus: 'partially_refunded',
                refundId: 'ref_2',
                amount: 4001,
              }),
              { intent: 'refund_succeeded' },
            ),
          ]);
      });

      it('applies a refund of exactly what is left', () => {
        spec
          .given(partiallyRefunded())
          .when(applyWebhook({ intent: 'refund_succeeded', refundId: 'ref_2', amount: 4000 }))
          .then([
            linkedBy(refundSucceeded({ refundId: 'ref_2', amount: 4000, source: 'webhook' }), {
              intent: 'refund_succeeded',
            }),
          ]);
      });

      it('flags a conflict when the webhook reports another currency', () => {
        spec
          .given(partiallyRefunded())
          .when(
            applyWebhook({
              intent: 'refund_succeeded',
              refundId: 'ref_2',
              amount: 100,
              currency: 'USD',
            }),
          )
          .then([
            linkedBy(
              refundContradiction('amount_or_currency_mismatch', {
                recordedStatus: 'partially_refunded',
                refundId: 'ref_2',
                amount: 100,
                currency: 'USD',
              }),
              { intent: 'refund_succeeded' },
            ),
          ]);
      });
    });
  });

  describe('refund_failed', () => {
    const failedRefundWebhook = { intent: 'refund_failed' as const, refundId: 'ref_1' };

    describe.each([
      ['requested', [refundRequested()]],
      ['outcome_unknown', [refundRequested(), refundOutcomeUnknown()]],
    ])('when the refund is %s', (_status, refundHistory) => {
      it('records the failure with its reason', () => {
        spec
          .given([...succeeded(), ...refundHistory])
          .when(applyWebhook({ ...failedRefundWebhook, reason: 'account_closed' }))
          .then([
            linkedBy(refundFailed({ reason: 'account_closed', source: 'webhook' }), {
              intent: 'refund_failed',
            }),
          ]);
      });
    });

    describe('when the refund is pending and the webhook gives no reason', () => {
      it('records the failure as "refund_failed"', () => {
        spec
          .given([...succeeded(), refundRequested()])
          .when(applyWebhook(failedRefundWebhook))
          .then([
            linkedBy(refundFailed({ reason: 'refund_failed', source: 'webhook' }), {
              intent: 'refund_failed',
            }),
          ]);
      });
    });

    describe('when the refund already failed', () => {
      it('links the delivery with no change', () => {
        spec
          .given([...succeeded(), refundRequested(), refundFailed()])
          .when(applyWebhook(failedRefundWebhook))
          .then([webhookLinked({ intent: 'refund_failed', effect: 'no_change' })]);
      });
    });

    describe('when the refund already succeeded', () => {
      it('records the contradiction carrying the link and keeps the refund', () => {
        spec
          .given(partiallyRefunded())
          .when(applyWebhook(failedRefundWebhook))
          .then([
            linkedBy(
              outcomeContradicted({
                reported: 'refund_failed',
                recordedStatus: 'partially_refunded',
                conflict: 'refund_succeeded_at_ledger',
                refundId: 'ref_1',
              }),
              { intent: 'refund_failed' },
            ),
          ]);
      });
    });

    describe('when the ledger knows no such refund', () => {
      it('links the delivery with no change: a refund that failed moved no money', () => {
        spec
          .given(succeeded())
          .when(applyWebhook({ intent: 'refund_failed', refundId: 'ref_elsewhere' }))
          .then([webhookLinked({ intent: 'refund_failed', effect: 'no_change' })]);
      });
    });
  });

  describe('an intent the provider adapter could not map', () => {
    describe('when the payment is processing', () => {
      it('links the delivery as unhandled and changes nothing else', () => {
        spec
          .given(processing())
          .when(applyWebhook({ intent: 'unknown', providerEventType: 'charge.dispute.created' }))
          .then([
            webhookLinked({
              intent: 'unknown',
              providerEventType: 'charge.dispute.created',
              effect: 'unhandled',
            }),
          ]);
      });
    });
  });
});
