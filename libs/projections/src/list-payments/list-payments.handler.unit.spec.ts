import type { StoredEvent } from '@ledger/event-store';
import { paymentStreamId } from '@ledger/ledger';
import { InMemoryPaymentDocuments } from '../infrastructure/in-memory-payment-documents';
import { evolvePaymentDocument } from '../payment-view/payment-view.projection';
import { ListPaymentsHandler } from './list-payments.handler';
import { ListPayments } from './list-payments.query';

const CURSOR_KEY = 'test-cursor-key-not-real';

/** A requested payment's document, created at minute `minute`. */
function requested(tenantId: string, paymentId: string, minute: number) {
  const at = `2026-03-01T12:${String(minute).padStart(2, '0')}:00.000Z`;
  const event: StoredEvent = {
    streamId: paymentStreamId(tenantId, paymentId),
    version: 1,
    eventId: `evt_${paymentId}`,
    type: 'PaymentRequested',
    schemaVersion: 1,
    data: { paymentId, amount: 100, currency: 'EUR', customerId: 'cus_1', at, requestedAt: at },
    metadata: { tenantId },
    recordedAt: at,
    position: `${at}#${tenantId}#payment#${paymentId}#1`,
  };
  return evolvePaymentDocument(null, event);
}

async function documentsOf(count: number): Promise<InMemoryPaymentDocuments> {
  const documents = new InMemoryPaymentDocuments();
  for (let i = 1; i <= count; i++) await documents.put(requested('acme', `pay_${i}`, i), 0);
  await documents.put(requested('globex', 'pay_g', 30), 0);
  return documents;
}

describe('ListPaymentsHandler', () => {
  describe('when the tenant has more payments than a page', () => {
    it("lists only the tenant's, newest first, the sealed cursor leading to the rest", async () => {
      const handler = new ListPaymentsHandler(await documentsOf(3), CURSOR_KEY);

      const first = await handler.execute(new ListPayments({ tenantId: 'acme', limit: 2 }));
      const rest = await handler.execute(
        new ListPayments({ tenantId: 'acme', limit: 2, cursor: first.nextCursor }),
      );

      expect(first.items.map((p) => p.paymentId)).toEqual(['pay_3', 'pay_2']);
      expect(first.items[0]).toMatchObject({ status: 'requested', amount: 100, version: 1 });
      expect(rest.items.map((p) => p.paymentId)).toEqual(['pay_1']);
      expect(rest.nextCursor).toBeUndefined();
    });
  });

  describe('when a cursor is used with other filters or by another tenant', () => {
    it('refuses it with invalid_cursor', async () => {
      const handler = new ListPaymentsHandler(await documentsOf(3), CURSOR_KEY);
      const { nextCursor } = await handler.execute(
        new ListPayments({ tenantId: 'acme', limit: 1 }),
      );

      await expect(
        handler.execute(
          new ListPayments({ tenantId: 'acme', limit: 1, customerId: 'cus_2', cursor: nextCursor }),
        ),
      ).rejects.toMatchObject({ code: 'invalid_cursor' });
      await expect(
        handler.execute(new ListPayments({ tenantId: 'globex', limit: 1, cursor: nextCursor })),
      ).rejects.toMatchObject({ code: 'invalid_cursor' });
    });
  });

  describe('when another instance shares the cursor key', () => {
    it("accepts this instance's cursor", async () => {
      const documents = await documentsOf(3);
      const { nextCursor } = await new ListPaymentsHandler(documents, CURSOR_KEY).execute(
        new ListPayments({ tenantId: 'acme', limit: 2 }),
      );

      const rest = await new ListPaymentsHandler(documents, CURSOR_KEY).execute(
        new ListPayments({ tenantId: 'acme', limit: 2, cursor: nextCursor }),
      );

      expect(rest.items.map((p) => p.paymentId)).toEqual(['pay_1']);
    });
  });
});
