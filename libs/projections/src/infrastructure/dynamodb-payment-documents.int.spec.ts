import type { StoredEvent } from '@ledger/event-store';
import {
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  type PaymentStatus,
} from '@ledger/ledger';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import {
  evolvePaymentDocument,
  type PaymentDocument,
} from '../payment-view/payment-view.projection';
import { DynamoDbPaymentDocuments } from './dynamodb-payment-documents';

const NOW = '2026-02-01T00:00:00.000Z';

/** The document of a payment just requested (version 1), as the projector would build it. */
function requested(paymentId: string, amount = 5_000): PaymentDocument {
  const command = {
    type: 'RequestPayment',
    data: { paymentId, amount, currency: 'EUR' },
    metadata: { now: NOW, tenantId: 'acme' },
  } as PaymentCommand;
  const [event] = paymentDecider.decide(command, paymentDecider.initialState());
  const streamId = paymentStreamId('acme', paymentId);
  const stored: StoredEvent = {
    ...event,
    streamId,
    version: 1,
    eventId: `ev_${paymentId}`,
    schemaVersion: 1,
    recordedAt: NOW,
    position: `${NOW}#${streamId}#1`,
  };
  return evolvePaymentDocument(null, stored);
}

describe('DynamoDbPaymentDocuments.overwriteMany', () => {
  let ledger: TestLedger;
  let documents: DynamoDbPaymentDocuments;

  beforeAll(async () => {
    ledger = await createTestLedger('payment-documents');
    documents = new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels, 'g7');
  });

  afterAll(async () => {
    await ledger.close();
  });

  describe('when given more documents than one batch request takes', () => {
    it('writes every one, listable like any other', async () => {
      const batch = Array.from({ length: 60 }, (_, i) => requested(`pay_many_${i}`));

      await documents.overwriteMany(batch);

      const readBack = await Promise.all(
        [0, 24, 25, 59].map((i) => documents.get('acme', `pay_many_${i}`)),
      );
      expect(readBack).toEqual([0, 24, 25, 59].map((i) => batch[i]));
      const listed = await documents.list({ tenantId: 'acme', limit: 100 });
      expect(listed.items).toHaveLength(60);
    });
  });

  describe('when a document is already stored', () => {
    it('replaces it, whatever its version (the caller owns that choice)', async () => {
      const newer = { ...requested('pay_over', 7_777), version: 4 };
      expect(await documents.put(newer, 0)).toBe(true);
      const older = requested('pay_over');

      await documents.overwriteMany([older]);

      expect(await documents.get('acme', 'pay_over')).toEqual(older);
    });
  });
});

describe('DynamoDbPaymentDocuments.list', () => {
  let ledger: TestLedger;
  let documents: DynamoDbPaymentDocuments;

  beforeAll(async () => {
    ledger = await createTestLedger('payment-documents-list');
    documents = new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels);
  });

  afterAll(async () => {
    await ledger.close();
  });

  describe('when the gateway contradicted one payment', () => {
    it('finds it with contradicted=true and leaves it out with contradicted=false', async () => {
      const plain = requested('pay_plain');
      const base = requested('pay_contradicted');
      const contradicted: PaymentDocument = {
        ...base,
        version: 2,
        state: {
          ...base.state,
          status: 'failed',
          contradictions: [
            {
              reported: 'payment_succeeded',
              recordedStatus: 'failed',
              conflict: 'payment_failed_at_ledger',
              source: 'webhook',
              at: NOW,
            },
          ],
        },
      };
      await documents.put(plain, 0);
      await documents.put(contradicted, 0);

      const only = await documents.list({ tenantId: 'acme', contradicted: true, limit: 10 });
      const others = await documents.list({ tenantId: 'acme', contradicted: false, limit: 10 });

      expect(only.items.map((d) => d.paymentId)).toEqual(['pay_contradicted']);
      expect(others.items.map((d) => d.paymentId)).toEqual(['pay_plain']);
    });
  });
});

describe('DynamoDbPaymentDocuments.unsettledBefore', () => {
  let ledger: TestLedger;
  let documents: DynamoDbPaymentDocuments;

  /** A document whose last change was at `updatedAt`, in `status`. */
  function at(paymentId: string, status: PaymentStatus, updatedAt: string): PaymentDocument {
    const base = requested(paymentId);
    return { ...base, version: 2, state: { ...base.state, status, updatedAt } };
  }

  beforeAll(async () => {
    ledger = await createTestLedger('payment-documents-unsettled');
    documents = new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels);
    const stored = [
      at('pay_old_requested', 'requested', '2026-02-01T00:00:00.000Z'),
      at('pay_old_processing', 'processing', '2026-02-01T00:01:00.000Z'),
      at('pay_old_unknown', 'outcome_unknown', '2026-02-01T00:02:00.000Z'),
      at('pay_old_succeeded', 'succeeded', '2026-02-01T00:00:00.000Z'),
      at('pay_old_failed', 'failed', '2026-02-01T00:00:00.000Z'),
      at('pay_recent_requested', 'requested', '2026-02-01T01:00:00.000Z'),
    ];
    for (const document of stored) await documents.put(document, 0);
  });

  afterAll(async () => {
    await ledger.close();
  });

  describe('when payments of every status are stored', () => {
    it('lists only the unconcluded ones unchanged since the bound, page by page', async () => {
      const found: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await documents.unsettledBefore('2026-02-01T00:30:00.000Z', {
          limit: 1,
          ...(cursor !== undefined && { cursor }),
        });
        expect(page.items.length).toBeLessThanOrEqual(1);
        found.push(...page.items.map((item) => item.paymentId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== undefined && pages < 20);

      expect(found.sort()).toEqual(['pay_old_processing', 'pay_old_requested', 'pay_old_unknown']);
    });

    it('drops a payment from the index once its charge is concluded', async () => {
      const settled = at('pay_old_requested', 'succeeded', '2026-02-01T00:05:00.000Z');
      expect(await documents.put({ ...settled, version: 3 }, 2)).toBe(true);

      const page = await documents.unsettledBefore('2026-02-01T00:30:00.000Z', { limit: 10 });

      expect(page.items.map((item) => item.paymentId).sort()).toEqual([
        'pay_old_processing',
        'pay_old_unknown',
      ]);
      expect(page.items.find((item) => item.paymentId === 'pay_old_unknown')).toEqual({
        tenantId: 'acme',
        paymentId: 'pay_old_unknown',
        status: 'outcome_unknown',
        updatedAt: '2026-02-01T00:02:00.000Z',
      });
    });
  });
});
