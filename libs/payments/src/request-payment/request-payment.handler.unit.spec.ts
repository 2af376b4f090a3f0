import { RequestInProgressError } from '../request-idempotency/request-idempotency.errors';
import { chargeKeyOf } from '../payment-workflow/payment-workflow';
import { workflowOnTwins } from '../payment-workflow/payment-workflow.spec-helper';
import { ProcessDied } from '../payment-workflow/scripted-payment-gateway.spec-helper';
import { RequestPayment } from './request-payment.command';
import { RequestPaymentHandler } from './request-payment.handler';

const EUR_1250 = { amount: 1250, currency: 'EUR', orderId: 'order-1' };

describe('RequestPaymentHandler', () => {
  describe('when the gateway charges the payment', () => {
    it('records the request, the attempt and the success, and answers 201', async () => {
      const ledger = workflowOnTwins();
      const handler = new RequestPaymentHandler(ledger.workflow);

      const response = await handler.execute(new RequestPayment('acme', 'key-1', EUR_1250, 'c1'));

      expect(response).toEqual({
        statusCode: 201,
        body: { paymentId: 'pay_0001', status: 'succeeded', version: 3 },
      });
      expect(await ledger.typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
      expect(ledger.gateway.sent('charge')).toEqual([chargeKeyOf('acme', 'pay_0001')]);
      expect(ledger.gateway.charges.get('pay_0001')).toMatchObject({
        amount: 1250,
        currency: 'EUR',
        status: 'succeeded',
      });
    });
  });

  describe('when the same key and body come again', () => {
    it('answers with the first response and charges nothing more', async () => {
      const ledger = workflowOnTwins();
      const handler = new RequestPaymentHandler(ledger.workflow);
      const first = await handler.execute(new RequestPayment('acme', 'key-1', EUR_1250));

      const repeat = await handler.execute(new RequestPayment('acme', 'key-1', EUR_1250));

      expect(repeat).toEqual(first);
      expect(ledger.gateway.sent('charge')).toHaveLength(1);
    });
  });

  describe('when the same key comes with another body', () => {
    it('refuses with idempotency_key_reused', async () => {
      const handler = new RequestPaymentHandler(workflowOnTwins().workflow);
      await handler.execute(new RequestPayment('acme', 'key-1', EUR_1250));

      await expect(
        handler.execute(new RequestPayment('acme', 'key-1', { ...EUR_1250, amount: 1 })),
      ).rejects.toMatchObject({ code: 'idempotency_key_reused', status: 422 });
    });
  });

  describe('when the gateway never answers', () => {
    it('concludes outcome_unknown, never failed', async () => {
      const ledger = workflowOnTwins();
      ledger.gateway.script('lost');
      const handler = new RequestPaymentHandler(ledger.workflow);

      const response = await handler.execute(new RequestPayment('acme', 'key-1', EUR_1250));

      expect(response.body).toMatchObject({ status: 'outcome_unknown' });
    });
  });

  describe('when the breaker refuses the first run, which is the only one', () => {
    it('fails the payment: no run may have sent it', async () => {
      const ledger = workflowOnTwins();
      ledger.gateway.script('breaker_open');
      const handler = new RequestPaymentHandler(ledger.workflow);

      const response = await handler.execute(new RequestPayment('acme', 'key-1', EUR_1250));

      expect(response.body).toMatchObject({ status: 'failed' });
      expect(ledger.gateway.charges.size).toBe(0);
    });
  });

  describe('when a run died after requesting, and the request is retried after its lock', () => {
    it('records ChargeResumed before sending, and a refusal to send is outcome_unknown', async () => {
      const ledger = workflowOnTwins();
      const handler = new RequestPaymentHandler(ledger.workflow);
      // The first run requests the payment; the gateway takes the money, then the process dies.
      ledger.gateway.script('crash', 'breaker_open');
      await expect(handler.execute(new RequestPayment('acme', 'key-1', EUR_1250))).rejects.toThrow(
        ProcessDied,
      );
      await expect(
        handler.execute(new RequestPayment('acme', 'key-1', EUR_1250)),
      ).rejects.toBeInstanceOf(RequestInProgressError);
      ledger.advance(31_000);

      const retried = await handler.execute(new RequestPayment('acme', 'key-1', EUR_1250));

      expect(retried.body).toMatchObject({ paymentId: 'pay_0001', status: 'outcome_unknown' });
      expect(await ledger.typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'ChargeResumed',
        'GatewayCallAttempted',
        'PaymentOutcomeUnknown',
      ]);
    });
  });
});
