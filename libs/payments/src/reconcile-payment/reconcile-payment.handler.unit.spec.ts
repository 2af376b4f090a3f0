import { chargeKeyOf } from '../payment-workflow/payment-workflow';
import { workflowOnTwins } from '../payment-workflow/payment-workflow.spec-helper';
import type { Step } from '../payment-workflow/scripted-payment-gateway.spec-helper';
import { RequestPayment } from '../request-payment/request-payment.command';
import { RequestPaymentHandler } from '../request-payment/request-payment.handler';
import { ReconcilePayment } from './reconcile-payment.command';
import { ReconcilePaymentHandler } from './reconcile-payment.handler';

/** A payment whose first charge went as `step` scripts it. */
async function paymentAfter(step: Step) {
  const ledger = workflowOnTwins();
  ledger.gateway.script(step);
  const created = await new RequestPaymentHandler(ledger.workflow).execute(
    new RequestPayment('acme', 'pay-key', { amount: 700, currency: 'EUR' }),
  );
  return { ledger, paymentId: String(created.body.paymentId) };
}

describe('ReconcilePaymentHandler', () => {
  describe('when the gateway holds a succeeded charge for an outcome_unknown payment', () => {
    it('concludes it succeeded from reconcile, as the given actor, charging nothing', async () => {
      const { ledger, paymentId } = await paymentAfter('lost');
      const handler = new ReconcilePaymentHandler(ledger.workflow);

      const response = await handler.execute(
        new ReconcilePayment('acme', paymentId, undefined, 'sweeper'),
      );

      expect(response).toEqual({
        statusCode: 200,
        body: { paymentId, status: 'succeeded', version: 4 },
      });
      const last = await ledger.store.readStream(`acme#payment#${paymentId}`, { fromVersion: 4 });
      expect(last.events[0]).toMatchObject({
        type: 'PaymentSucceeded',
        data: { source: 'reconcile' },
        metadata: { actor: 'sweeper' },
      });
      expect(ledger.gateway.sent('charge')).toHaveLength(1);
    });
  });

  describe('when the gateway has no charge for an outcome_unknown payment', () => {
    it('charges it again with the same gateway key, after recording ChargeResumed', async () => {
      const { ledger, paymentId } = await paymentAfter('unreachable');
      const handler = new ReconcilePaymentHandler(ledger.workflow);

      const response = await handler.execute(new ReconcilePayment('acme', paymentId));

      expect(response.body).toMatchObject({ status: 'succeeded' });
      expect(ledger.gateway.sent('charge')).toEqual([
        chargeKeyOf('acme', paymentId),
        chargeKeyOf('acme', paymentId),
      ]);
      expect((await ledger.typesOf('acme', paymentId)).slice(3)).toEqual([
        'ChargeResumed',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
    });
  });

  describe('when the gateway reports a success for a payment recorded as failed', () => {
    it('records the contradiction and the status stands', async () => {
      const { ledger, paymentId } = await paymentAfter('decline');
      const held = ledger.gateway.charges.get(paymentId)!;
      ledger.gateway.charges.set(paymentId, { ...held, status: 'succeeded' });
      const handler = new ReconcilePaymentHandler(ledger.workflow);

      const response = await handler.execute(new ReconcilePayment('acme', paymentId));

      expect(response.body).toMatchObject({ status: 'failed' });
      expect(await ledger.typesOf('acme', paymentId)).toContain('PaymentOutcomeContradicted');
    });
  });

  describe('when the payment is still requested by a run that may be live', () => {
    it('does not charge it until the request lock has expired', async () => {
      const ledger = workflowOnTwins();
      const paymentId = 'pay_live';
      await ledger.workflow.run(`acme#payment#${paymentId}`, 'acme', undefined, {
        type: 'RequestPayment',
        data: { paymentId, amount: 700, currency: 'EUR' },
      });
      const handler = new ReconcilePaymentHandler(ledger.workflow);

      const early = await handler.execute(new ReconcilePayment('acme', paymentId));
      ledger.advance(30_000);
      const late = await handler.execute(new ReconcilePayment('acme', paymentId));

      expect(early.body).toMatchObject({ status: 'requested' });
      expect(late.body).toMatchObject({ status: 'succeeded' });
      expect(ledger.gateway.sent('charge')).toHaveLength(1);
    });
  });

  describe('when the payment does not exist', () => {
    it('answers payment_not_found', async () => {
      const handler = new ReconcilePaymentHandler(workflowOnTwins().workflow);

      await expect(handler.execute(new ReconcilePayment('acme', 'pay_none'))).rejects.toMatchObject(
        { code: 'payment_not_found' },
      );
    });
  });

  describe("when the tenant's breaker refuses the status query", () => {
    it('answers gateway_unavailable with Retry-After and the payment as last recorded, writing nothing', async () => {
      const { ledger, paymentId } = await paymentAfter('unreachable');
      ledger.gateway.findCharge = () =>
        Promise.resolve({ outcome: 'not_attempted', reason: 'circuit_open', retryAfterMs: 3_200 });
      const before = await ledger.typesOf('acme', paymentId);

      const refused = await new ReconcilePaymentHandler(ledger.workflow)
        .execute(new ReconcilePayment('acme', paymentId))
        .catch((error: unknown) => error);

      expect(refused).toMatchObject({
        code: 'gateway_unavailable',
        status: 503,
        retryAfterSeconds: 4,
      });
      expect((refused as { details(): unknown }).details()).toEqual({
        payment: expect.objectContaining({
          paymentId,
          status: 'outcome_unknown',
          amount: 700,
          currency: 'EUR',
          version: before.length,
        }),
      });
      expect(await ledger.typesOf('acme', paymentId)).toEqual(before);
    });
  });

  describe('when asked to skip a concluded payment', () => {
    it('answers it skipped without asking the gateway', async () => {
      const { ledger, paymentId } = await paymentAfter('answer');
      const asked = ledger.gateway.calls.length;

      const response = await new ReconcilePaymentHandler(ledger.workflow).execute(
        new ReconcilePayment('acme', paymentId, undefined, 'operator', { skipConcluded: true }),
      );

      expect(response.body).toMatchObject({ paymentId, status: 'succeeded', skipped: true });
      expect(ledger.gateway.calls).toHaveLength(asked);
    });
  });
});
