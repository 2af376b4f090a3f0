import { refundKeyOf } from '../payment-workflow/payment-workflow';
import { workflowOnTwins } from '../payment-workflow/payment-workflow.spec-helper';
import { RequestPayment } from '../request-payment/request-payment.command';
import { RequestPaymentHandler } from '../request-payment/request-payment.handler';
import { RequestRefund } from './request-refund.command';
import { RequestRefundHandler } from './request-refund.handler';

/** A succeeded payment of 1,000 EUR minor units on the twins. */
async function capturedPayment() {
  const ledger = workflowOnTwins();
  const created = await new RequestPaymentHandler(ledger.workflow).execute(
    new RequestPayment('acme', 'pay-key', { amount: 1000, currency: 'EUR' }),
  );
  return { ledger, paymentId: String(created.body.paymentId) };
}

describe('RequestRefundHandler', () => {
  describe('when the gateway refunds part of a captured payment', () => {
    it('records the refund and answers with its status and the payment status', async () => {
      const { ledger, paymentId } = await capturedPayment();
      const handler = new RequestRefundHandler(ledger.workflow);

      const response = await handler.execute(
        new RequestRefund('acme', paymentId, 'refund-key', { amount: 400, reason: 'damaged' }),
      );

      expect(response).toEqual({
        statusCode: 201,
        body: {
          refundId: 're_0002',
          status: 'succeeded',
          paymentStatus: 'partially_refunded',
          version: 6,
        },
      });
      expect(ledger.gateway.sent('refund')).toEqual([refundKeyOf('acme', paymentId, 're_0002')]);
    });
  });

  describe('when the refund exceeds the balance', () => {
    it('refuses, and refuses a repeat of the same request the same way without a new call', async () => {
      const { ledger, paymentId } = await capturedPayment();
      const handler = new RequestRefundHandler(ledger.workflow);
      const tooMuch = new RequestRefund('acme', paymentId, 'refund-key', { amount: 1001 });

      await expect(handler.execute(tooMuch)).rejects.toMatchObject({
        code: 'refund_exceeds_balance',
        status: 409,
      });
      await expect(handler.execute(tooMuch)).rejects.toMatchObject({
        code: 'refund_exceeds_balance',
        status: 409,
      });
      expect(ledger.gateway.sent('refund')).toHaveLength(0);
    });
  });

  describe("when the payment is another tenant's", () => {
    it('answers payment_not_found', async () => {
      const { ledger, paymentId } = await capturedPayment();
      const handler = new RequestRefundHandler(ledger.workflow);

      await expect(
        handler.execute(new RequestRefund('globex', paymentId, 'refund-key', { amount: 1 })),
      ).rejects.toMatchObject({ code: 'payment_not_found' });
    });
  });

  describe('when the gateway never answers the refund', () => {
    it('leaves the refund outcome_unknown', async () => {
      const { ledger, paymentId } = await capturedPayment();
      ledger.gateway.script('lost');
      const handler = new RequestRefundHandler(ledger.workflow);

      const response = await handler.execute(
        new RequestRefund('acme', paymentId, 'refund-key', { amount: 400 }),
      );

      expect(response.body).toMatchObject({ status: 'outcome_unknown' });
      expect(await ledger.typesOf('acme', paymentId)).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentSucceeded',
        'RefundRequested',
        'GatewayCallAttempted',
        'RefundOutcomeUnknown',
      ]);
    });
  });
});
