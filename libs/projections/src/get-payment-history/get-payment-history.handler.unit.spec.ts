import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import { paymentStreamId } from '@ledger/ledger';
import { GetPaymentHistoryHandler } from './get-payment-history.handler';
import { GetPaymentHistory } from './get-payment-history.query';

/** A payment of acme's with a request, two attempts and a success on the in-memory store. */
async function storeWithPayment(): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore({ clock: () => new Date('2026-03-01T12:00:00.000Z') });
  const metadata = { tenantId: 'acme', correlationId: 'c1', actor: 'api' };
  await store.append(paymentStreamId('acme', 'pay_1'), 0, [
    { type: 'PaymentRequested', data: { paymentId: 'pay_1', amount: 5 }, metadata },
    { type: 'GatewayCallAttempted', data: { attempt: 1 }, metadata },
    { type: 'GatewayCallAttempted', data: { attempt: 2 }, metadata },
    { type: 'PaymentSucceeded', data: {}, metadata },
  ]);
  return store;
}

describe('GetPaymentHistoryHandler', () => {
  describe('when the history is longer than a page', () => {
    it('answers it in order a page at a time, the cursor leading to the rest', async () => {
      const handler = new GetPaymentHistoryHandler(await storeWithPayment());

      const first = await handler.execute(new GetPaymentHistory('acme', 'pay_1', { limit: 3 }));
      const rest = await handler.execute(
        new GetPaymentHistory('acme', 'pay_1', { limit: 3, cursor: first.nextCursor }),
      );

      expect(first.events.map((e) => e.version)).toEqual([1, 2, 3]);
      expect(first.events[0]).toMatchObject({
        type: 'PaymentRequested',
        metadata: { correlationId: 'c1', actor: 'api' },
      });
      expect(rest.events.map((e) => e.type)).toEqual(['PaymentSucceeded']);
      expect(rest.nextCursor).toBeUndefined();
    });
  });

  describe('when only some types are asked for', () => {
    it('fills the page with those types only', async () => {
      const handler = new GetPaymentHistoryHandler(await storeWithPayment());

      const page = await handler.execute(
        new GetPaymentHistory('acme', 'pay_1', {
          limit: 2,
          types: ['PaymentRequested', 'PaymentSucceeded'],
        }),
      );

      expect(page.events.map((e) => e.version)).toEqual([1, 4]);
    });
  });

  describe('when the linked webhook deliveries are asked for', () => {
    it('keeps the state events that carry a link too', async () => {
      const store = await storeWithPayment();
      const metadata = { tenantId: 'acme' };
      await store.append(paymentStreamId('acme', 'pay_1'), 4, [
        { type: 'WebhookLinked', data: { deliveryId: 'dlv_1', effect: 'no_change' }, metadata },
        {
          type: 'RefundSucceeded',
          data: { refundId: 'r1', webhook: { deliveryId: 'dlv_2' } },
          metadata,
        },
      ]);
      const handler = new GetPaymentHistoryHandler(store);

      const page = await handler.execute(
        new GetPaymentHistory('acme', 'pay_1', { limit: 10, types: ['WebhookLinked'] }),
      );

      expect(page.events.map((e) => [e.version, e.type])).toEqual([
        [5, 'WebhookLinked'],
        [6, 'RefundSucceeded'],
      ]);
    });
  });

  describe("when the payment is another tenant's", () => {
    it('answers payment_not_found, whatever the cursor', async () => {
      const handler = new GetPaymentHistoryHandler(await storeWithPayment());

      await expect(
        handler.execute(new GetPaymentHistory('globex', 'pay_1', { limit: 10, cursor: '2' })),
      ).rejects.toMatchObject({ code: 'payment_not_found' });
    });
  });
});
