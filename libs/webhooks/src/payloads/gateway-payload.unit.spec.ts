import { interpretPayload } from './gateway-payload';

describe('interpretPayload', () => {
  describe('when the sandbox gateway reports a completed payment', () => {
    it('reads the intent and every reference from data', () => {
      const payload = {
        id: 'evt_1',
        type: 'payment.completed',
        data: {
          transactionId: 'tx_9',
          paymentId: 'pay_1',
          orderId: 'ord_7',
          amount: 1250,
          currency: 'eur',
        },
      };

      expect(interpretPayload(payload)).toEqual({
        providerEventType: 'payment.completed',
        intent: 'payment_succeeded',
        paymentId: 'pay_1',
        orderId: 'ord_7',
        gatewayTransactionId: 'tx_9',
        amount: 1250,
        currency: 'EUR',
      });
    });
  });

  describe('when the sandbox gateway reports a declined payment', () => {
    it('reads the decline code as well as the reason', () => {
      const payload = {
        id: 'evt_3',
        type: 'payment.failed',
        data: {
          transactionId: 'ch_5',
          paymentId: 'pay_5',
          amount: 1051,
          currency: 'EUR',
          reason: 'insufficient_funds',
          declineCode: 'insufficient_funds',
        },
      };

      expect(interpretPayload(payload)).toMatchObject({
        intent: 'payment_failed',
        reason: 'insufficient_funds',
        declineCode: 'insufficient_funds',
      });
    });

    it("reads Stripe's decline_code", () => {
      const payload = {
        type: 'charge.failed',
        data: { object: { object: 'charge', id: 'ch_6', failure_code: 'card_declined' } },
      };

      expect(interpretPayload(payload)).toMatchObject({ declineCode: 'card_declined' });
    });
  });

  describe('when a Stripe-shaped refund arrives', () => {
    it('takes the refund id from the object and the payment id from its metadata', () => {
      const payload = {
        id: 'evt_2',
        type: 'refund.created',
        data: {
          object: {
            id: 're_1',
            object: 'refund',
            amount: 500,
            payment_intent: 'pi_3',
            metadata: { paymentId: 'pay_2' },
          },
        },
      };

      expect(interpretPayload(payload)).toMatchObject({
        intent: 'refund_succeeded',
        refundId: 're_1',
        gatewayTransactionId: 'pi_3',
        paymentId: 'pay_2',
        amount: 500,
      });
    });
  });

  describe('when a failure carries a reason', () => {
    it('maps it to payment_failed with the reason', () => {
      expect(
        interpretPayload({
          type: 'charge.failed',
          data: { object: { id: 'ch_1', object: 'charge', failure_message: 'card declined' } },
        }),
      ).toMatchObject({
        intent: 'payment_failed',
        gatewayTransactionId: 'ch_1',
        reason: 'card declined',
      });
    });
  });

  describe('when the event type is not one the ledger knows', () => {
    it('keeps the type and marks the intent unknown', () => {
      expect(interpretPayload({ type: 'customer.updated', data: {} })).toEqual({
        providerEventType: 'customer.updated',
        intent: 'unknown',
      });
    });
  });

  describe('when the payload is not an object or has odd values', () => {
    it('ignores what it cannot use', () => {
      expect(interpretPayload([1, 2])).toEqual({ providerEventType: 'unknown', intent: 'unknown' });
      expect(
        interpretPayload({ type: 'payment.completed', data: { amount: -5, paymentId: '  ' } }),
      ).toEqual({
        providerEventType: 'payment.completed',
        intent: 'payment_succeeded',
      });
    });
  });
});
