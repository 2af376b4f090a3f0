import { LedgerError } from '@ledger/errors';
import { InMemoryReceiptStore } from './infrastructure/in-memory-receipt-store';
import { UnsupportedContractVersionError } from './receipts.errors';
import { createReceiptsHandler, type ReceiptEvent } from './receipts.handler';

function outcome(schemaVersion: number): ReceiptEvent {
  return {
    version: '0',
    id: 'envelope-1',
    'detail-type': 'payment.succeeded',
    source: 'integration-ledger',
    account: '000000000000',
    time: '2026-02-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventId: '01JEVENT',
      occurredAt: '2026-02-01T00:00:00.000Z',
      tenantId: 'acme',
      paymentId: 'pay_1',
      streamVersion: 3,
      schemaVersion,
      replay: false,
      data: { amount: 1250, currency: 'EUR' },
    },
  };
}

describe('the receipts handler', () => {
  describe('when an event comes in a contract version it does not know', () => {
    it('refuses it with a typed error, before anything is stored', async () => {
      const store = new InMemoryReceiptStore();
      const handle = createReceiptsHandler(store);

      const handled = handle(outcome(2));

      await expect(handled).rejects.toBeInstanceOf(UnsupportedContractVersionError);
      await expect(handled).rejects.toBeInstanceOf(LedgerError);
      await expect(handled).rejects.toMatchObject({
        code: 'unsupported_contract_version',
        message: 'unsupported payment.succeeded schemaVersion 2',
      });
      expect(await store.forPayment('acme', 'pay_1')).toEqual([]);
    });
  });
});
