import type { StoredEvent } from '@ledger/event-store';
import { paymentStreamId } from '@ledger/ledger';
import { chargeKeyOf, ChargeNotSentError, refundKeyOf } from '../payment-workflow/payment-workflow';
import { workflowOnTwins } from '../payment-workflow/payment-workflow.spec-helper';
import { RequestPayment } from '../request-payment/request-payment.command';
import { RequestPaymentHandler } from '../request-payment/request-payment.handler';
import { RequestRefund } from '../request-refund/request-refund.command';
import { RequestRefundHandler } from '../request-refund/request-refund.handler';
import { Charger, ChargeUnsettledError, type ChargerReport } from './charger.consumer';

const EUR_1250 = { amount: 1250, currency: 'EUR', orderId: 'order-1' };

/** The charger on the workflow's twins, with what it reported. */
function chargerOnTwins() {
  const ledger = workflowOnTwins();
  const reports: ChargerReport[] = [];
  const charger = new Charger(ledger.workflow, (report) => reports.push(report));
  const payments = new RequestPaymentHandler(ledger.workflow);
  const refunds = new RequestRefundHandler(ledger.workflow);
  const streamOf = async (paymentId: string): Promise<StoredEvent[]> => {
    const events: StoredEvent[] = [];
    for await (const event of ledger.store.readWholeStream(paymentStreamId('acme', paymentId))) {
      events.push(event);
    }
    return events;
  };
  /** The stored event of `type` on the payment's stream (the record the charger is handed). */
  const recordOf = async (paymentId: string, type: string): Promise<StoredEvent> =>
    (await streamOf(paymentId)).find((event) => event.type === type)!;
  return { ...ledger, charger, reports, payments, refunds, recordOf };
}

describe('Charger', () => {
  describe('when a payment was accepted asynchronously', () => {
    it('answers 202 without calling the gateway, and the charger charges it with the same key', async () => {
      const ledger = chargerOnTwins();

      const accepted = await ledger.payments.execute(
        new RequestPayment('acme', 'key-1', EUR_1250, 'c1', 'async'),
      );
      const sentBefore = ledger.gateway.calls.length;
      await ledger.charger.handle(await ledger.recordOf('pay_0001', 'PaymentRequested'));

      expect(accepted).toEqual({
        statusCode: 202,
        body: { paymentId: 'pay_0001', status: 'requested', version: 1 },
      });
      expect(sentBefore).toBe(0);
      expect(await ledger.typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
      expect(ledger.gateway.sent('charge')).toEqual([chargeKeyOf('acme', 'pay_0001')]);
      expect(ledger.reports).toEqual([
        expect.objectContaining({ paymentId: 'pay_0001', status: 'succeeded' }),
      ]);
      const recorded = await ledger.recordOf('pay_0001', 'GatewayCallAttempted');
      expect(recorded.metadata.actor).toBe('charger');
    });

    it('does nothing when the request is delivered again after the payment concluded', async () => {
      const ledger = chargerOnTwins();
      await ledger.payments.execute(new RequestPayment('acme', 'key-1', EUR_1250, 'c1', 'async'));
      const record = await ledger.recordOf('pay_0001', 'PaymentRequested');
      await ledger.charger.handle(record);

      await ledger.charger.handle(record);

      expect(ledger.gateway.calls).toHaveLength(1);
      expect(await ledger.typesOf('acme', 'pay_0001')).toHaveLength(3);
    });
  });

  describe('when the request was synchronous', () => {
    it('skips it: the requesting run charged it', async () => {
      const ledger = chargerOnTwins();
      ledger.gateway.script('lost');
      await ledger.payments.execute(new RequestPayment('acme', 'key-1', EUR_1250));

      await ledger.charger.handle(await ledger.recordOf('pay_0001', 'PaymentRequested'));

      expect(ledger.gateway.calls).toHaveLength(1);
      expect(await ledger.typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentOutcomeUnknown',
      ]);
    });
  });

  describe("when the tenant's breaker is open", () => {
    it('fails the record without concluding, the payment stays requested, and it is charged once the breaker closes', async () => {
      const ledger = chargerOnTwins();
      await ledger.payments.execute(new RequestPayment('acme', 'key-1', EUR_1250, 'c1', 'async'));
      const record = await ledger.recordOf('pay_0001', 'PaymentRequested');
      ledger.gateway.script('breaker_open');

      await expect(ledger.charger.handle(record)).rejects.toBeInstanceOf(ChargeNotSentError);
      const whileOpen = await ledger.workflow.load(paymentStreamId('acme', 'pay_0001'));
      await ledger.charger.handle(record);

      expect(whileOpen.state.status).toBe('requested');
      expect(await ledger.typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
      expect(ledger.gateway.charges.size).toBe(1);
    });

    it('concludes nothing when the client itself refuses to send', async () => {
      const ledger = chargerOnTwins();
      await ledger.payments.execute(new RequestPayment('acme', 'key-1', EUR_1250, 'c1', 'async'));
      ledger.gateway.script('breaker_open');

      await expect(
        ledger.charger.handle(await ledger.recordOf('pay_0001', 'PaymentRequested')),
      ).rejects.toBeInstanceOf(ChargeNotSentError);

      expect(await ledger.typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
      ]);
      expect(ledger.gateway.charges.size).toBe(0);
    });
  });

  describe('when the gateway leaves the charge unknown', () => {
    it('concludes outcome_unknown and fails the record; a later try reconciles it', async () => {
      const ledger = chargerOnTwins();
      await ledger.payments.execute(new RequestPayment('acme', 'key-1', EUR_1250, 'c1', 'async'));
      const record = await ledger.recordOf('pay_0001', 'PaymentRequested');
      ledger.gateway.script('lost');

      await expect(ledger.charger.handle(record)).rejects.toBeInstanceOf(ChargeUnsettledError);
      const afterFirstTry = await ledger.typesOf('acme', 'pay_0001');
      await ledger.charger.handle(record);

      expect(afterFirstTry).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentOutcomeUnknown',
      ]);
      // The gateway did take the money: reconcile finds the charge, nothing is sent twice.
      expect(ledger.gateway.sent('charge')).toEqual([chargeKeyOf('acme', 'pay_0001')]);
      expect((await ledger.typesOf('acme', 'pay_0001')).at(-1)).toBe('PaymentSucceeded');
    });

    it('charges again with the same key when the gateway has nothing', async () => {
      const ledger = chargerOnTwins();
      await ledger.payments.execute(new RequestPayment('acme', 'key-1', EUR_1250, 'c1', 'async'));
      const record = await ledger.recordOf('pay_0001', 'PaymentRequested');
      ledger.gateway.script('unreachable');
      await expect(ledger.charger.handle(record)).rejects.toBeInstanceOf(ChargeUnsettledError);

      await ledger.charger.handle(record);

      expect(ledger.gateway.sent('charge')).toEqual([
        chargeKeyOf('acme', 'pay_0001'),
        chargeKeyOf('acme', 'pay_0001'),
      ]);
      expect(await ledger.typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentOutcomeUnknown',
        'ChargeResumed',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
    });
  });

  describe('when the same Idempotency-Key comes again', () => {
    it('answers with the first 202 in either mode', async () => {
      const ledger = chargerOnTwins();
      const first = await ledger.payments.execute(
        new RequestPayment('acme', 'key-1', EUR_1250, 'c1', 'async'),
      );

      const asyncRepeat = await ledger.payments.execute(
        new RequestPayment('acme', 'key-1', EUR_1250, 'c2', 'async'),
      );
      const syncRepeat = await ledger.payments.execute(
        new RequestPayment('acme', 'key-1', EUR_1250, 'c3'),
      );

      expect(asyncRepeat).toEqual(first);
      expect(syncRepeat).toEqual(first);
      expect(ledger.gateway.calls).toHaveLength(0);
    });
  });

  describe('when a refund was accepted asynchronously', () => {
    it('answers 202 and the charger sends it with its own key', async () => {
      const ledger = chargerOnTwins();
      await ledger.payments.execute(new RequestPayment('acme', 'key-1', EUR_1250));

      const accepted = await ledger.refunds.execute(
        new RequestRefund('acme', 'pay_0001', 'key-r', { amount: 250 }, 'c1', 'async'),
      );
      const record = await ledger.recordOf('pay_0001', 'RefundRequested');
      await ledger.charger.handle(record);
      await ledger.charger.handle(record);

      expect(accepted).toEqual({
        statusCode: 202,
        body: { refundId: 're_0002', status: 'requested', paymentStatus: 'succeeded', version: 4 },
      });
      expect(ledger.gateway.sent('refund')).toEqual([refundKeyOf('acme', 'pay_0001', 're_0002')]);
      expect((await ledger.typesOf('acme', 'pay_0001')).slice(3)).toEqual([
        'RefundRequested',
        'GatewayCallAttempted',
        'RefundSucceeded',
      ]);
    });
  });

  describe('when the drivers ask about a record before decoding it', () => {
    const head = (type: string, data: Record<string, string>) => ({
      streamId: paymentStreamId('acme', 'pay_0001'),
      type,
      dataString: (member: string): string | undefined => data[member],
    });

    it('wants the requests accepted asynchronously and nothing else', () => {
      const { charger } = chargerOnTwins();

      const wanted = [
        head('PaymentRequested', { mode: 'async' }),
        head('RefundRequested', { mode: 'async', refundId: 'ref_1' }),
        head('PaymentRequested', { mode: 'sync' }),
        head('RefundRequested', {}),
        head('PaymentSucceeded', { mode: 'async' }),
      ].map((record) => charger.wants(record));

      expect(wanted).toEqual([true, true, false, false, false]);
    });
  });
});
