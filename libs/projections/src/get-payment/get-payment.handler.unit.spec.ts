import type { StoredEvent } from '@ledger/event-store';
import { paymentStreamId } from '@ledger/ledger';
import type { PaymentDocuments, PaymentListPage } from '../payment-view/payment-documents.port';
import {
  evolvePaymentDocument,
  type PaymentDocument,
} from '../payment-view/payment-view.projection';
import { GetPaymentHandler } from './get-payment.handler';
import { GetPayment } from './get-payment.query';

const NOW = '2026-02-01T00:00:00.000Z';

/** A payment's document as the projector would have it at `version`. */
function documentAt(version: number): PaymentDocument {
  const requested: StoredEvent = {
    streamId: paymentStreamId('acme', 'pay_1'),
    version: 1,
    eventId: 'evt_1',
    type: 'PaymentRequested',
    schemaVersion: 1,
    data: { paymentId: 'pay_1', amount: 1500, currency: 'EUR', at: NOW, requestedAt: NOW },
    metadata: { tenantId: 'acme' },
    recordedAt: NOW,
    position: `${NOW}#acme#payment#pay_1#1`,
  };
  return { ...evolvePaymentDocument(null, requested), version };
}

/** A read model whose document advances one version each time the projector "catches up". */
class AdvancingDocuments implements PaymentDocuments {
  reads = 0;
  constructor(private current: PaymentDocument | undefined) {}

  advanceTo(version: number): void {
    this.current = documentAt(version);
  }

  async get(): Promise<PaymentDocument | undefined> {
    this.reads += 1;
    return this.current;
  }

  put(): Promise<boolean> {
    throw new Error('queries never write');
  }

  list(): Promise<PaymentListPage> {
    throw new Error('not used here');
  }
}

describe('GetPayment with minVersion', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  describe('when the projection reaches the version within the wait', () => {
    it('answers with that version', async () => {
      const documents = new AdvancingDocuments(documentAt(1));
      const handler = new GetPaymentHandler(documents, {
        maxWaitMs: 2000,
        pollIntervalMs: 50,
      });

      const answer = handler.execute(new GetPayment('acme', 'pay_1', 3));
      await jest.advanceTimersByTimeAsync(500);
      documents.advanceTo(3);
      await jest.advanceTimersByTimeAsync(50);

      await expect(answer).resolves.toMatchObject({ paymentId: 'pay_1', version: 3 });
    });
  });

  describe('when the projection stays behind', () => {
    it('answers with what it has once the wait is over, and stops reading', async () => {
      const documents = new AdvancingDocuments(documentAt(1));
      const handler = new GetPaymentHandler(documents, {
        maxWaitMs: 2000,
        pollIntervalMs: 50,
      });

      const answer = handler.execute(new GetPayment('acme', 'pay_1', 3));
      await jest.advanceTimersByTimeAsync(2100);
      const readsWhenAnswered = documents.reads;
      await jest.advanceTimersByTimeAsync(1000);

      await expect(answer).resolves.toMatchObject({ version: 1 });
      expect(documents.reads).toBe(readsWhenAnswered);
      expect(readsWhenAnswered).toBeGreaterThan(2);
    });
  });

  describe('when the payment does not exist', () => {
    it('still refuses with payment_not_found after the wait', async () => {
      const handler = new GetPaymentHandler(new AdvancingDocuments(undefined), {
        maxWaitMs: 200,
      });

      const answer = handler.execute(new GetPayment('acme', 'pay_1', 1));
      const settled = expect(answer).rejects.toMatchObject({ code: 'payment_not_found' });
      await jest.advanceTimersByTimeAsync(300);

      await settled;
    });
  });
});
