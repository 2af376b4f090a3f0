/**
 * The contract of the payment-documents ports (`GenerationDocuments`, `UnsettledPayments`), run
 * against every adapter: in memory as a unit spec, DynamoDB Local as an int spec.
 */
import type { StoredEvent } from '@ledger/event-store';
import {
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  type PaymentStatus,
} from '@ledger/ledger';
import { InvalidCursorError } from '../queries/list-cursors';
import type { GenerationDocuments, UnsettledPayments } from './payment-documents.port';
import { evolvePaymentDocument, type PaymentDocument } from './payment-view.projection';

export interface PaymentDocumentsUnderTest {
  /** The documents of one generation; two calls with one name reach the same documents. */
  documentsOf(generation: string): GenerationDocuments & UnsettledPayments;
  close(): Promise<void>;
}

export type PaymentDocumentsFactory = () => Promise<PaymentDocumentsUnderTest>;

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

/** Runs the payment-documents contract against the adapter `factory` makes. */
export function describePaymentDocumentsContract(
  adapter: string,
  factory: PaymentDocumentsFactory,
): void {
  describe(`PaymentDocuments contract: ${adapter}`, () => {
    describe('PaymentDocuments.overwriteMany', () => {
      let subject: PaymentDocumentsUnderTest;
      let documents: GenerationDocuments & UnsettledPayments;

      beforeAll(async () => {
        subject = await factory();
        documents = subject.documentsOf('g7');
      });

      afterAll(async () => {
        await subject.close();
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

    describe('PaymentDocuments.list', () => {
      let subject: PaymentDocumentsUnderTest;
      let documents: GenerationDocuments & UnsettledPayments;

      beforeAll(async () => {
        subject = await factory();
        documents = subject.documentsOf('g1');
      });

      afterAll(async () => {
        await subject.close();
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

    describe('PaymentDocuments.unsettledBefore', () => {
      let subject: PaymentDocumentsUnderTest;
      let documents: GenerationDocuments & UnsettledPayments;

      /** A document whose last change was at `updatedAt`, in `status`. */
      function at(paymentId: string, status: PaymentStatus, updatedAt: string): PaymentDocument {
        const base = requested(paymentId);
        return { ...base, version: 2, state: { ...base.state, status, updatedAt } };
      }

      beforeAll(async () => {
        subject = await factory();
        documents = subject.documentsOf('g1');
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
        await subject.close();
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

          expect(found.sort()).toEqual([
            'pay_old_processing',
            'pay_old_requested',
            'pay_old_unknown',
          ]);
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

    describe('PaymentDocuments conditional writes', () => {
      let subject: PaymentDocumentsUnderTest;
      let documents: GenerationDocuments & UnsettledPayments;

      beforeAll(async () => {
        subject = await factory();
        documents = subject.documentsOf('g1');
      });

      afterAll(async () => {
        await subject.close();
      });

      it('writes a first document only when none is stored', async () => {
        const first = requested('pay_cond');

        expect(await documents.put(first, 0)).toBe(true);
        expect(await documents.put({ ...first, version: 5 }, 0)).toBe(false);
        expect(await documents.get('acme', 'pay_cond')).toEqual(first);
      });

      it('replaces a document only at the version it expects', async () => {
        const first = requested('pay_cond_2');
        await documents.put(first, 0);
        const second = {
          ...first,
          version: 2,
          state: { ...first.state, status: 'processing' as const },
        };

        expect(await documents.put(second, 7)).toBe(false);
        expect(await documents.put(second, 1)).toBe(true);
        expect(await documents.put({ ...second, version: 3 }, 1)).toBe(false);
        expect(await documents.get('acme', 'pay_cond_2')).toEqual(second);
      });

      it('reads several documents at once, by stream id, leaving out those not stored', async () => {
        await documents.put(requested('pay_many_1'), 0);
        await documents.put(requested('pay_many_2'), 0);

        const found = await documents.getMany!([
          { tenantId: 'acme', paymentId: 'pay_many_1' },
          { tenantId: 'acme', paymentId: 'pay_many_none' },
          { tenantId: 'globex', paymentId: 'pay_many_2' },
          { tenantId: 'acme', paymentId: 'pay_many_2' },
        ]);

        expect([...found.keys()].sort()).toEqual([
          paymentStreamId('acme', 'pay_many_1'),
          paymentStreamId('acme', 'pay_many_2'),
        ]);
        expect(found.get(paymentStreamId('acme', 'pay_many_2'))).toEqual(requested('pay_many_2'));
      });

      it('finds nothing of another tenant or another generation', async () => {
        await documents.put(requested('pay_mine'), 0);

        expect(await documents.get('globex', 'pay_mine')).toBeUndefined();
        expect(await subject.documentsOf('g2').get('acme', 'pay_mine')).toBeUndefined();
        expect(await subject.documentsOf('g1').get('acme', 'pay_mine')).toEqual(
          requested('pay_mine'),
        );
      });

      it('hands out copies: changing one leaves the stored document alone', async () => {
        await documents.put(requested('pay_copy'), 0);
        const read = await documents.get('acme', 'pay_copy');

        read!.state.status = 'failed';

        expect((await documents.get('acme', 'pay_copy'))?.state.status).toBe('requested');
      });
    });

    describe('PaymentDocuments.list paging and filters', () => {
      let subject: PaymentDocumentsUnderTest;
      let documents: GenerationDocuments & UnsettledPayments;

      /** A document created at minute `minute`, for `customerId`, in `status`. */
      function created(
        paymentId: string,
        minute: number,
        customerId: string,
        status: PaymentStatus,
      ) {
        const base = requested(paymentId);
        const createdAt = `2026-02-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
        return { ...base, state: { ...base.state, createdAt, customerId, status } };
      }

      beforeAll(async () => {
        subject = await factory();
        documents = subject.documentsOf('g1');
        for (let i = 0; i < 7; i++) {
          await documents.put(
            created(
              `pay_${i}`,
              i,
              i % 2 === 0 ? 'cus_even' : 'cus_odd',
              i < 3 ? 'succeeded' : 'failed',
            ),
            0,
          );
        }
        await subject
          .documentsOf('g1')
          .put({ ...created('pay_globex', 3, 'cus_even', 'succeeded'), tenantId: 'globex' }, 0);
      });

      afterAll(async () => {
        await subject.close();
      });

      async function all(query: Omit<Parameters<GenerationDocuments['list']>[0], 'cursor'>) {
        const ids: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await documents.list({ ...query, ...(cursor !== undefined && { cursor }) });
          expect(page.items.length).toBeLessThanOrEqual(query.limit);
          ids.push(...page.items.map((d) => d.paymentId));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== undefined && pages < 20);
        return ids;
      }

      it("lists one tenant's payments newest first, page by page", async () => {
        expect(await all({ tenantId: 'acme', limit: 3 })).toEqual([
          'pay_6',
          'pay_5',
          'pay_4',
          'pay_3',
          'pay_2',
          'pay_1',
          'pay_0',
        ]);
        expect(await all({ tenantId: 'globex', limit: 3 })).toEqual(['pay_globex']);
      });

      it('says there is no more after a short last page', async () => {
        const page = await documents.list({ tenantId: 'acme', limit: 10 });

        expect(page.items).toHaveLength(7);
        expect(page.nextCursor).toBeUndefined();
      });

      it('filters by status and customer, and bounds createdAt (from included, to excluded)', async () => {
        expect(await all({ tenantId: 'acme', status: 'failed', limit: 2 })).toEqual([
          'pay_6',
          'pay_5',
          'pay_4',
          'pay_3',
        ]);
        expect(
          await all({ tenantId: 'acme', customerId: 'cus_even', status: 'succeeded', limit: 1 }),
        ).toEqual(['pay_2', 'pay_0']);
        expect(
          await all({
            tenantId: 'acme',
            from: '2026-02-01T00:02:00.000Z',
            to: '2026-02-01T00:05:00.000Z',
            limit: 10,
          }),
        ).toEqual(['pay_4', 'pay_3', 'pay_2']);
      });

      it("refuses another tenant's cursor and a forged one", async () => {
        const page = await documents.list({ tenantId: 'acme', limit: 2 });

        await expect(
          documents.list({ tenantId: 'globex', limit: 2, cursor: page.nextCursor }),
        ).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(
          documents.list({ tenantId: 'acme', limit: 2, cursor: 'not-a-cursor' }),
        ).rejects.toBeInstanceOf(InvalidCursorError);
      });
    });
  });
}
