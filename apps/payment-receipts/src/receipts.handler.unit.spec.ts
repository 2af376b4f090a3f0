import { EVENT_CATALOG_V1 } from '@ledger/contracts';
import { LedgerError } from '@ledger/errors';
import { InMemoryReceiptStore } from './infrastructure/in-memory-receipt-store';
import { RECEIPT_EVENTS } from './receipt';
import { MalformedIntegrationEventError, UnsupportedContractVersionError } from './receipts.errors';
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

/** The catalog's published example of a detail-type, as EventBridge delivers it. */
function delivered(
  detailType: (typeof RECEIPT_EVENTS)[number],
  detail: unknown = EVENT_CATALOG_V1[detailType].example.detail,
): ReceiptEvent {
  const example = EVENT_CATALOG_V1[detailType].example;
  return {
    version: '0',
    id: `envelope-${detailType}`,
    'detail-type': detailType,
    source: example.source,
    account: '000000000000',
    time: '2026-02-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

describe('the receipts handler', () => {
  it.each(RECEIPT_EVENTS)('issues one receipt for a %s that keeps its contract', async (type) => {
    const store = new InMemoryReceiptStore();
    const handle = createReceiptsHandler(store);
    const { detail } = EVENT_CATALOG_V1[type].example;

    await handle(delivered(type));

    expect(await store.forPayment(detail.tenantId, detail.paymentId)).toEqual([
      expect.objectContaining({
        eventId: detail.eventId,
        detailType: type,
        streamVersion: detail.streamVersion,
      }),
    ]);
  });

  describe('when a v1 event breaks its contract', () => {
    it.each([
      ['without a paymentId', { paymentId: undefined }],
      ['with a text streamVersion', { streamVersion: '3' }],
      ['with a non-object data', { data: 'paid' }],
    ])('refuses one %s, before anything is stored', async (_case, change) => {
      const store = new InMemoryReceiptStore();
      const handle = createReceiptsHandler(store);
      const example = EVENT_CATALOG_V1['payment.succeeded'].example.detail;
      const detail = JSON.parse(JSON.stringify({ ...example, ...change })) as object;

      const handled = handle(delivered('payment.succeeded', detail));

      await expect(handled).rejects.toBeInstanceOf(MalformedIntegrationEventError);
      await expect(handled).rejects.toMatchObject({ code: 'malformed_integration_event' });
      expect(await store.forPayment(example.tenantId, example.paymentId)).toEqual([]);
    });

    it('refuses a detail that is not an object as an unknown contract version', async () => {
      const handled = createReceiptsHandler(new InMemoryReceiptStore())(
        delivered('payment.succeeded', null),
      );

      await expect(handled).rejects.toBeInstanceOf(UnsupportedContractVersionError);
    });
  });

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
