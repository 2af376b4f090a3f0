/**
 * The contract of the `CorrelationIndex` port, run against every adapter (in memory as a unit
 * spec, DynamoDB Local as an int spec).
 */
import type { CorrelationIndex } from './correlation-index.port';

export interface CorrelationIndexUnderTest {
  index: CorrelationIndex;
  close(): Promise<void>;
}

/** Runs the correlation-index contract against the adapter `factory` makes. */
export function describeCorrelationIndexContract(
  adapter: string,
  factory: () => Promise<CorrelationIndexUnderTest>,
): void {
  describe(`CorrelationIndex contract: ${adapter}`, () => {
    let subject: CorrelationIndexUnderTest;
    let index: CorrelationIndex;

    beforeAll(async () => {
      subject = await factory();
      index = subject.index;
    });

    afterAll(() => subject.close());

    describe('when a transaction id is linked', () => {
      it('names one payment, the last linked, in its tenant only', async () => {
        const ref = { kind: 'transaction' as const, value: 'txn_1' };
        await index.link('acme', ref, { paymentId: 'pay_a' });
        await index.link('acme', ref, { paymentId: 'pay_b' });

        expect(await index.linked('acme', ref)).toEqual([{ paymentId: 'pay_b' }]);
        expect(await index.linked('globex', ref)).toEqual([]);
        expect(await index.linked('acme', { kind: 'order', value: 'txn_1' })).toEqual([]);
      });
    });

    describe('when several payments carry one order id', () => {
      it('keeps one entry each, with amount and currency, up to the limit asked', async () => {
        const ref = { kind: 'order' as const, value: 'order-7' };
        await index.link('acme', ref, { paymentId: 'pay_2', amount: 200, currency: 'EUR' });
        await index.link('acme', ref, { paymentId: 'pay_1', amount: 100, currency: 'EUR' });
        await index.link('acme', ref, { paymentId: 'pay_3' });
        await index.link('globex', ref, { paymentId: 'pay_g', amount: 100, currency: 'EUR' });

        expect(await index.linked('acme', ref, 1)).toEqual([
          { paymentId: 'pay_1', amount: 100, currency: 'EUR' },
        ]);
        expect(await index.linked('acme', ref)).toEqual([
          { paymentId: 'pay_1', amount: 100, currency: 'EUR' },
          { paymentId: 'pay_2', amount: 200, currency: 'EUR' },
        ]);
        expect(await index.linked('acme', ref, 10)).toHaveLength(3);
        expect(await index.linked('globex', ref, 10)).toEqual([
          { paymentId: 'pay_g', amount: 100, currency: 'EUR' },
        ]);
      });
    });

    describe('when deliveries wait for a reference', () => {
      it('lists them per tenant and reference, and forgets one once removed', async () => {
        const ref = { kind: 'order' as const, value: 'order-wait' };
        const first = { deliveryStreamId: 'acme#delivery#sandbox#d1', deliveryEventId: 'ev_1' };
        const second = { deliveryStreamId: 'acme#delivery#sandbox#d2', deliveryEventId: 'ev_2' };
        await index.addPending('acme', ref, second);
        await index.addPending('acme', ref, first);
        await index.addPending('acme', ref, first);

        expect(await index.pendingFor('acme', ref)).toEqual([first, second]);
        expect(await index.pendingFor('globex', ref)).toEqual([]);
        expect(await index.linked('acme', ref)).toEqual([]);

        await index.removePending('acme', ref, 'ev_1');
        await index.removePending('acme', ref, 'ev_unknown');

        expect(await index.pendingFor('acme', ref)).toEqual([second]);
      });
    });

    describe('when exact entries are read together', () => {
      it('answers each key in order, the same key twice alike, and undefined where there is none', async () => {
        const txn = { kind: 'transaction' as const, value: 'txn_batch' };
        const payment = { kind: 'payment' as const, value: 'pay_waited' };
        const waiting = { deliveryStreamId: 'acme#delivery#sandbox#d9', deliveryEventId: 'ev_9' };
        await index.link('acme', txn, { paymentId: 'pay_t', linkedBy: 'ev_link' });
        await index.addPending('acme', payment, waiting);

        const found = await index.entries([
          { kind: 'link', tenantId: 'acme', ref: txn },
          { kind: 'pending', tenantId: 'acme', ref: payment, deliveryEventId: 'ev_9' },
          { kind: 'link', tenantId: 'globex', ref: txn },
          { kind: 'pending', tenantId: 'acme', ref: payment, deliveryEventId: 'ev_other' },
          { kind: 'pending', tenantId: 'acme', ref: txn, deliveryEventId: 'ev_9' },
          { kind: 'link', tenantId: 'acme', ref: txn },
        ]);

        expect(found).toEqual([
          { paymentId: 'pay_t', linkedBy: 'ev_link' },
          waiting,
          undefined,
          undefined,
          undefined,
          { paymentId: 'pay_t', linkedBy: 'ev_link' },
        ]);
        expect(await index.linked('acme', txn)).toEqual([
          { paymentId: 'pay_t', linkedBy: 'ev_link' },
        ]);
        expect(await index.entries([])).toEqual([]);
      });
    });
  });
}
