import { type StoredEvent } from '@ledger/event-store';
import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import { paymentStreamId } from '@ledger/ledger';
import { InMemoryRequestIdempotency } from '../infrastructure/in-memory-request-idempotency';
import { IdempotencyKeyReusedError } from '@ledger/event-store';
import { ReconcilePayment } from '../reconcile-payment/reconcile-payment.command';
import { ReconcilePaymentHandler } from '../reconcile-payment/reconcile-payment.handler';
import { RequestPayment } from '../request-payment/request-payment.command';
import { RequestPaymentHandler } from '../request-payment/request-payment.handler';
import { RequestRefund } from '../request-refund/request-refund.command';
import { RequestRefundHandler } from '../request-refund/request-refund.handler';
import {
  PaymentWorkflow,
  ReplayedRefusalError,
  chargeKeyOf,
  refundKeyOf,
} from './payment-workflow';
import { ProcessDied, ScriptedGateway } from './scripted-payment-gateway.spec-helper';

describe('The payment command handlers (in memory)', () => {
  let now: Date;
  let store: InMemoryEventStore;
  let gateways: Map<string, ScriptedGateway>;
  let acme: ScriptedGateway;
  let commands: {
    requestPayment: RequestPaymentHandler;
    requestRefund: RequestRefundHandler;
    reconcilePayment: ReconcilePaymentHandler;
  };
  let ids: number;

  const later = (ms: number): void => {
    now = new Date(now.getTime() + ms);
  };

  beforeEach(() => {
    now = new Date('2026-03-01T12:00:00.000Z');
    const clock = () => now;
    store = new InMemoryEventStore({ clock });
    gateways = new Map([
      ['acme', new ScriptedGateway('acme')],
      ['globex', new ScriptedGateway('globex')],
    ]);
    acme = gateways.get('acme')!;
    ids = 0;
    const workflow = new PaymentWorkflow(
      store,
      (tenantId) => gateways.get(tenantId)!,
      new InMemoryRequestIdempotency({ clock }),
      clock,
      () => String(++ids).padStart(4, '0'),
    );
    commands = {
      requestPayment: new RequestPaymentHandler(workflow),
      requestRefund: new RequestRefundHandler(workflow),
      reconcilePayment: new ReconcilePaymentHandler(workflow),
    };
  });

  async function eventsOf(tenantId: string, paymentId: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const event of store.readWholeStream(paymentStreamId(tenantId, paymentId))) {
      events.push(event);
    }
    return events;
  }

  const typesOf = async (tenantId: string, paymentId: string): Promise<string[]> =>
    (await eventsOf(tenantId, paymentId)).map((event) => event.type);

  const create = (key: string, amount = 1250) =>
    commands.requestPayment.execute(
      new RequestPayment('acme', key, { amount, currency: 'EUR', orderId: 'order-1' }, 'corr-1'),
    );

  describe('when a payment is created', () => {
    it('charges it once with its own key and answers succeeded with the version', async () => {
      const response = await create('key-1');

      expect(response).toEqual({
        statusCode: 201,
        body: { paymentId: 'pay_0001', status: 'succeeded', version: 3 },
      });
      expect(await typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
      expect(acme.sent('charge')).toEqual([chargeKeyOf('acme', 'pay_0001')]);
      const [requested] = await eventsOf('acme', 'pay_0001');
      expect(requested.metadata).toMatchObject({ tenantId: 'acme', correlationId: 'corr-1' });
    });

    it('records a definitive decline as failed, with its code', async () => {
      acme.script('decline');

      const response = await create('key-decline');

      expect(response.body.status).toBe('failed');
      const events = await eventsOf('acme', 'pay_0001');
      expect(events.at(-1)).toMatchObject({
        type: 'PaymentFailed',
        data: { declineCode: 'insufficient_funds' },
      });
    });

    it("uses the tenant's own gateway account", async () => {
      await commands.requestPayment.execute(
        new RequestPayment('globex', 'key-g', { amount: 10, currency: 'EUR' }),
      );

      expect(gateways.get('globex')!.sent('charge')).toEqual([chargeKeyOf('globex', 'pay_0001')]);
      expect(acme.calls).toEqual([]);
    });
  });

  describe('when the request is repeated with its Idempotency-Key', () => {
    it('returns the first response for the same body without charging again', async () => {
      const first = await create('key-repeat');

      const again = await create('key-repeat');

      expect(again).toEqual(first);
      expect(acme.sent('charge')).toHaveLength(1);
    });

    it('refuses the same key with another body', async () => {
      await create('key-body');

      await expect(create('key-body', 999)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect(acme.sent('charge')).toHaveLength(1);
    });
  });

  describe('when the gateway may have acted but never answered', () => {
    it('answers outcome_unknown, never failed, and reconcile settles it from the gateway without charging again', async () => {
      acme.script('lost');

      const created = await create('key-lost');
      const reconciled = await commands.reconcilePayment.execute(
        new ReconcilePayment('acme', 'pay_0001'),
      );

      expect(created.body.status).toBe('outcome_unknown');
      expect(reconciled.body).toMatchObject({ paymentId: 'pay_0001', status: 'succeeded' });
      expect(acme.sent('charge')).toHaveLength(1);
    });

    it('answers outcome_unknown when the gateway could not be reached', async () => {
      acme.script('unreachable');

      const created = await create('key-unreachable');

      expect(created.body.status).toBe('outcome_unknown');
      expect(await typesOf('acme', 'pay_0001')).not.toContain('PaymentFailed');
    });

    it('charges again with the same key when the gateway has nothing for it', async () => {
      acme.script('unreachable');
      await create('key-again');

      const reconciled = await commands.reconcilePayment.execute(
        new ReconcilePayment('acme', 'pay_0001'),
      );

      expect(reconciled.body.status).toBe('succeeded');
      expect(acme.sent('charge')).toEqual([
        chargeKeyOf('acme', 'pay_0001'),
        chargeKeyOf('acme', 'pay_0001'),
      ]);
      expect(await typesOf('acme', 'pay_0001')).toContain('ChargeResumed');
    });
  });

  describe('when the requesting run itself finds the breaker open', () => {
    it('answers failed: the stream proves no run sent anything', async () => {
      acme.script('breaker_open');

      const created = await create('key-breaker');

      expect(created.body.status).toBe('failed');
      expect(await typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentFailed',
      ]);
    });
  });

  describe('when the run died after sending and the retry finds the breaker open', () => {
    it('resumes the same payment and answers outcome_unknown, never failed', async () => {
      acme.script('crash', 'breaker_open');
      await expect(create('key-died')).rejects.toBeInstanceOf(ProcessDied);

      // The key stays locked while the first run may still be alive.
      await expect(create('key-died')).rejects.toMatchObject({ code: 'request_in_progress' });
      later(31_000);
      const retried = await create('key-died');

      expect(retried.body).toMatchObject({ paymentId: 'pay_0001', status: 'outcome_unknown' });
      expect(await typesOf('acme', 'pay_0001')).toEqual([
        'PaymentRequested',
        'ChargeResumed',
        'GatewayCallAttempted',
        'PaymentOutcomeUnknown',
      ]);
      expect(acme.sent('charge')).toEqual([
        chargeKeyOf('acme', 'pay_0001'),
        chargeKeyOf('acme', 'pay_0001'),
      ]);
    });

    it('lets reconcile settle it as the gateway has it', async () => {
      acme.script('crash', 'breaker_open');
      await expect(create('key-died-2')).rejects.toBeInstanceOf(ProcessDied);
      later(31_000);
      await create('key-died-2');

      const reconciled = await commands.reconcilePayment.execute(
        new ReconcilePayment('acme', 'pay_0001'),
      );

      expect(reconciled.body.status).toBe('succeeded');
      expect(acme.sent('charge')).toHaveLength(2);
    });
  });

  describe('when a payment was left in requested by a dead run', () => {
    async function leftRequested(): Promise<void> {
      acme.script('crash');
      await expect(create('key-left')).rejects.toBeInstanceOf(ProcessDied);
      acme.charges.clear();
    }

    it('does not charge it while its lock may still be held', async () => {
      await leftRequested();
      later(10_000);

      const reconciled = await commands.reconcilePayment.execute(
        new ReconcilePayment('acme', 'pay_0001'),
      );

      expect(reconciled.body.status).toBe('requested');
      expect(acme.sent('charge')).toHaveLength(1);
    });

    it('charges it once with the same key after the lock expired', async () => {
      await leftRequested();
      later(31_000);

      const reconciled = await commands.reconcilePayment.execute(
        new ReconcilePayment('acme', 'pay_0001', undefined, 'sweeper'),
      );

      expect(reconciled.body.status).toBe('succeeded');
      expect(acme.sent('charge')).toEqual([
        chargeKeyOf('acme', 'pay_0001'),
        chargeKeyOf('acme', 'pay_0001'),
      ]);
      const events = await eventsOf('acme', 'pay_0001');
      expect(events.find((e) => e.type === 'ChargeResumed')).toMatchObject({
        data: { by: 'reconcile' },
        metadata: { actor: 'sweeper' },
      });
    });
  });

  describe('when the gateway later contradicts a recorded outcome', () => {
    it('records the contradiction once, as an event of its own, and keeps the status', async () => {
      acme.script('decline');
      await create('key-contra');
      acme.charges.set('pay_0001', {
        id: 'ch_late',
        status: 'succeeded',
        amount: 1250,
        currency: 'EUR',
        paymentId: 'pay_0001',
      });

      const first = await commands.reconcilePayment.execute(
        new ReconcilePayment('acme', 'pay_0001'),
      );
      const second = await commands.reconcilePayment.execute(
        new ReconcilePayment('acme', 'pay_0001'),
      );

      expect(first.body.status).toBe('failed');
      expect(second.body.version).toBe(first.body.version);
      const contradictions = (await eventsOf('acme', 'pay_0001')).filter(
        (e) => e.type === 'PaymentOutcomeContradicted',
      );
      expect(contradictions).toHaveLength(1);
      expect(contradictions[0].data).toMatchObject({
        reported: 'payment_succeeded',
        recordedStatus: 'failed',
        gatewayTransactionId: 'ch_late',
        source: 'reconcile',
      });
    });
  });

  describe('when a payment is refunded', () => {
    it('refunds within the balance with its own key and refuses more than is left', async () => {
      await create('key-r');

      const refunded = await commands.requestRefund.execute(
        new RequestRefund('acme', 'pay_0001', 'rk-1', { amount: 1000 }),
      );
      const refusal = commands.requestRefund.execute(
        new RequestRefund('acme', 'pay_0001', 'rk-2', { amount: 500 }),
      );

      expect(refunded.body).toMatchObject({
        refundId: 're_0002',
        status: 'succeeded',
        paymentStatus: 'partially_refunded',
      });
      expect(acme.sent('refund')).toEqual([refundKeyOf('acme', 'pay_0001', 're_0002')]);
      await expect(refusal).rejects.toMatchObject({ code: 'refund_exceeds_balance' });
      // The refusal is stored: a repeat is refused the same way, and nothing is sent.
      await expect(
        commands.requestRefund.execute(
          new RequestRefund('acme', 'pay_0001', 'rk-2', { amount: 500 }),
        ),
      ).rejects.toBeInstanceOf(ReplayedRefusalError);
      expect(acme.sent('refund')).toHaveLength(1);
    });

    it('answers a refund the breaker refused on its first run as failed', async () => {
      await create('key-r2');
      acme.script('breaker_open');

      const refunded = await commands.requestRefund.execute(
        new RequestRefund('acme', 'pay_0001', 'rk-b', { amount: 100 }),
      );

      expect(refunded.body.status).toBe('failed');
    });

    it('answers a resumed refund the breaker refused as outcome_unknown, never failed', async () => {
      await create('key-r3');
      acme.script('crash', 'breaker_open');
      await expect(
        commands.requestRefund.execute(
          new RequestRefund('acme', 'pay_0001', 'rk-d', { amount: 100 }),
        ),
      ).rejects.toBeInstanceOf(ProcessDied);
      later(31_000);

      const retried = await commands.requestRefund.execute(
        new RequestRefund('acme', 'pay_0001', 'rk-d', { amount: 100 }),
      );

      expect(retried.body).toMatchObject({ refundId: 're_0002', status: 'outcome_unknown' });
      expect(await typesOf('acme', 'pay_0001')).not.toContain('RefundFailed');
    });

    it("does not find another tenant's payment", async () => {
      await create('key-r4');

      await expect(
        commands.requestRefund.execute(
          new RequestRefund('globex', 'pay_0001', 'rk-x', { amount: 100 }),
        ),
      ).rejects.toMatchObject({ code: 'payment_not_found' });
      await expect(
        commands.reconcilePayment.execute(new ReconcilePayment('globex', 'pay_0001')),
      ).rejects.toMatchObject({
        code: 'payment_not_found',
      });
      expect(gateways.get('globex')!.calls).toEqual([]);
    });
  });
});
