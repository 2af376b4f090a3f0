import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import { PaymentProjector } from '@ledger/projections';
import { InMemoryPaymentDocuments } from '@ledger/projections/in-memory';
import { InMemoryRequestIdempotency } from '../infrastructure/in-memory-request-idempotency';
import { PaymentWorkflow, chargeKeyOf } from '../payment-workflow/payment-workflow';
import {
  ProcessDied,
  ScriptedGateway,
} from '../payment-workflow/scripted-payment-gateway.spec-helper';
import { ReconcilePaymentHandler } from '../reconcile-payment/reconcile-payment.handler';
import { RequestPayment } from '../request-payment/request-payment.command';
import { RequestPaymentHandler } from '../request-payment/request-payment.handler';
import { PaymentSweeper } from './payment-sweeper';

/**
 * The sweeper composed as in production (the read model's unsettled index for candidates, the
 * reconcile command to settle them), on the in-memory twins: every payment left without a
 * conclusion reaches one, and money moves at most once.
 */
describe('PaymentSweeper on the in-memory twins', () => {
  let now: Date;
  let store: InMemoryEventStore;
  let documents: InMemoryPaymentDocuments;
  let gateway: ScriptedGateway;
  let requestPayment: RequestPaymentHandler;
  let sweeper: PaymentSweeper;
  let ids = 0;

  beforeEach(() => {
    now = new Date('2026-03-01T12:00:00.000Z');
    const clock = () => now;
    store = new InMemoryEventStore({ clock });
    documents = new InMemoryPaymentDocuments();
    gateway = new ScriptedGateway('acme');
    const workflow = new PaymentWorkflow(
      store,
      () => gateway,
      new InMemoryRequestIdempotency({ clock }),
      clock,
      () => `${++ids}`,
    );
    requestPayment = new RequestPaymentHandler(workflow);
    sweeper = new PaymentSweeper(
      documents,
      new ReconcilePaymentHandler(workflow),
      { olderThanMs: 300_000, maxPerSweep: 50, pageSize: 2 },
      clock,
    );
  });

  /** Brings the read model up to date, as the projector does from the stream (redelivery is harmless). */
  async function project(): Promise<void> {
    const projector = new PaymentProjector(store, documents);
    // Up to the end of time: the store's clock stands still, and `to` is exclusive.
    for await (const event of store.readAll({ to: '9999-01-01T00:00:00.000Z' })) {
      await projector.handle(event);
    }
  }

  const create = (key: string) =>
    requestPayment
      .execute(new RequestPayment('acme', key, { amount: 700, currency: 'EUR' }))
      .then((r) => String(r.body.paymentId));

  async function statusOf(paymentId: string): Promise<string | undefined> {
    return (await documents.get('acme', paymentId))?.state.status;
  }

  describe('when payments were left unconcluded long enough ago', () => {
    it('settles each of them and leaves concluded and recent ones alone', async () => {
      gateway.script('crash'); // charged, then the run died: left in requested
      const requested = await create('k-requested').catch((error: unknown) => {
        if (!(error instanceof ProcessDied)) throw error;
        return `pay_${ids}`;
      });
      gateway.script('lost'); // charged, answer lost: outcome_unknown
      const unknown = await create('k-unknown');
      gateway.script('unreachable'); // nothing reached the gateway: outcome_unknown
      const unreached = await create('k-unreached');
      const succeeded = await create('k-succeeded');
      now = new Date(now.getTime() + 600_000);
      gateway.script('unreachable');
      const recent = await create('k-recent');
      await project();
      expect(await statusOf(requested)).toBe('requested');

      const result = await sweeper.sweep();
      await project();

      expect(result).toEqual({ examined: 3, settled: 3, unsettled: 0, failed: 0 });
      for (const paymentId of [requested, unknown, unreached, succeeded]) {
        expect(await statusOf(paymentId)).toBe('succeeded');
      }
      expect(await statusOf(recent)).toBe('outcome_unknown');
      // Charged again only where the gateway had nothing, always with the payment's own key.
      expect(
        gateway.sent('charge').filter((key) => key === chargeKeyOf('acme', unreached)),
      ).toHaveLength(2);
      expect(
        gateway.sent('charge').filter((key) => key === chargeKeyOf('acme', unknown)),
      ).toHaveLength(1);
      expect(
        gateway.sent('charge').filter((key) => key === chargeKeyOf('acme', requested)),
      ).toHaveLength(1);
    });
  });

  describe('when the gateway still cannot be reached', () => {
    it('leaves the payment outcome_unknown, never failed, for the next sweep', async () => {
      gateway.script('unreachable');
      const paymentId = await create('k-down');
      now = new Date(now.getTime() + 600_000);
      await project();
      gateway.script('breaker_open');

      const result = await sweeper.sweep();
      await project();

      expect(result).toEqual({ examined: 1, settled: 0, unsettled: 1, failed: 0 });
      expect(await statusOf(paymentId)).toBe('outcome_unknown');
    });
  });
});
