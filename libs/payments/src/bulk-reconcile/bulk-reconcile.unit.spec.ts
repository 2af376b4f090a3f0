import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import type { BreakerState } from '@ledger/ledger';
import type { GatewayCharge, GatewayOutcome } from '@ledger/outbound';
import { PaymentProjector } from '@ledger/projections';
import { InMemoryPaymentDocuments } from '@ledger/projections/in-memory';
import { InMemoryRequestIdempotency } from '../infrastructure/in-memory-request-idempotency';
import { PaymentWorkflow } from '../payment-workflow/payment-workflow';
import { ScriptedGateway } from '../payment-workflow/scripted-payment-gateway.spec-helper';
import { ReconcilePaymentHandler } from '../reconcile-payment/reconcile-payment.handler';
import { RequestPayment } from '../request-payment/request-payment.command';
import { RequestPaymentHandler } from '../request-payment/request-payment.handler';
import {
  BulkReconciler,
  DEFAULT_RECONCILE_STATUSES,
  type BulkReconcileOptions,
  type ReconcileItemResult,
} from './bulk-reconcile';

/**
 * A gateway with a breaker of its own, modelled as cockatiel's consecutive breaker: more than
 * `capacity` status queries started within `windowMs` overload it (a failed answer), five failures
 * in a row open the breaker, and it lets a probe through `halfOpenAfterMs` later.
 */
class FragileGateway extends ScriptedGateway {
  state: BreakerState = 'closed';
  readonly statesSeen = new Set<BreakerState>();
  finds = 0;
  private starts: number[] = [];
  private failures = 0;
  private openedAt = 0;

  constructor(
    private readonly capacity = Number.POSITIVE_INFINITY,
    private readonly windowMs = 200,
    private readonly halfOpenAfterMs = 50,
  ) {
    super('acme');
  }

  override async findCharge(paymentId: string): Promise<GatewayOutcome<GatewayCharge | undefined>> {
    this.circuitState();
    if (this.state === 'open') return { outcome: 'not_attempted', reason: 'circuit_open' };
    const now = Date.now();
    this.starts = [...this.starts.filter((at) => now - at < this.windowMs), now];
    this.finds += 1;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.starts.length > this.capacity) {
      this.failures += 1;
      if (this.failures >= 5 || this.state === 'half_open') {
        this.state = 'open';
        this.openedAt = Date.now();
      }
      return { outcome: 'unknown', reason: 'http_503' };
    }
    this.failures = 0;
    this.state = 'closed';
    return super.findCharge(paymentId);
  }

  /** Opens the breaker as a failing gateway would, whoever caused it. */
  trip(): void {
    this.state = 'open';
    this.openedAt = Date.now();
  }

  override circuitState(): 'closed' {
    if (this.state === 'open' && Date.now() - this.openedAt >= this.halfOpenAfterMs) {
      this.state = 'half_open';
    }
    this.statesSeen.add(this.state);
    // The port's type says BreakerState; ScriptedGateway narrowed it to 'closed'.
    return this.state as 'closed';
  }
}

describe('BulkReconciler on the in-memory twins', () => {
  let now: Date;
  let store: InMemoryEventStore;
  let documents: InMemoryPaymentDocuments;
  let gateway: FragileGateway;
  let workflow: PaymentWorkflow;
  let ids = 0;

  function setUp(fragile = new FragileGateway()): void {
    now = new Date('2026-03-01T12:00:00.000Z');
    const clock = () => now;
    store = new InMemoryEventStore({ clock });
    documents = new InMemoryPaymentDocuments();
    gateway = fragile;
    workflow = new PaymentWorkflow(
      store,
      () => gateway,
      new InMemoryRequestIdempotency({ clock }),
      clock,
      () => String(++ids).padStart(5, '0'),
    );
  }

  function reconciler(options: BulkReconcileOptions = {}): BulkReconciler {
    return new BulkReconciler(documents, new ReconcilePaymentHandler(workflow), {
      breakerOf: () => gateway.circuitState(),
      pageSize: 5,
      ...options,
    });
  }

  async function project(): Promise<void> {
    const projector = new PaymentProjector(store, documents);
    for await (const event of store.readAll({ to: '9999-01-01T00:00:00.000Z' })) {
      await projector.handle(event);
    }
  }

  /** A payment left outcome_unknown: `charged` says whether the gateway took the money. */
  async function unknownPayment(amount: number, charged: boolean): Promise<string> {
    gateway.script(charged ? 'lost' : 'unreachable');
    const response = await new RequestPaymentHandler(workflow).execute(
      new RequestPayment('acme', `k-${++ids}`, { amount, currency: 'EUR' }),
    );
    return String(response.body.paymentId);
  }

  async function statusOf(paymentId: string): Promise<string | undefined> {
    return (await workflow.load(`acme#payment#${paymentId}`)).state.status;
  }

  const later = (): string => new Date(now.getTime() + 1).toISOString();

  describe('when unknown payments wait, some charged by the gateway', () => {
    it('settles each one from what the gateway has, charging again only what it never took', async () => {
      setUp();
      const charged = [await unknownPayment(1000, true), await unknownPayment(1100, true)];
      const neverTaken = await unknownPayment(1200, false);
      const concluded = await new RequestPaymentHandler(workflow)
        .execute(new RequestPayment('acme', 'k-ok', { amount: 500, currency: 'EUR' }))
        .then((r) => String(r.body.paymentId));
      await project();
      const chargesBefore = gateway.sent('charge').length;
      const items: ReconcileItemResult[] = [];

      const result = await reconciler().run(
        { statuses: DEFAULT_RECONCILE_STATUSES, updatedBefore: later() },
        { onItem: (item) => void items.push(item) },
      );

      expect(result.ended).toBe('completed');
      expect(result.summary).toEqual({
        selected: 3,
        settled: { succeeded: 3 },
        unknown: 0,
        skipped: 0,
        errors: 0,
      });
      expect(items.map((item) => item.paymentId).sort()).toEqual([...charged, neverTaken].sort());
      expect(items[0]).toMatchObject({ listed: 'outcome_unknown', outcome: 'settled' });
      expect(await statusOf(concluded)).toBe('succeeded');
      // Only the payment the gateway never took was charged again, with its own key.
      expect(gateway.sent('charge').slice(chargesBefore)).toEqual([`acme:${neverTaken}:charge`]);
    });

    it('lists them in a dry run and asks the gateway nothing', async () => {
      setUp();
      const paymentId = await unknownPayment(1000, true);
      await project();
      const items: ReconcileItemResult[] = [];

      const result = await reconciler().run(
        { statuses: DEFAULT_RECONCILE_STATUSES, updatedBefore: later() },
        { dryRun: true, onItem: (item) => void items.push(item) },
      );

      expect(items).toEqual([
        expect.objectContaining({ paymentId, outcome: 'selected', status: 'outcome_unknown' }),
      ]);
      expect(result.summary.selected).toBe(1);
      expect(gateway.finds).toBe(0);
      expect(await statusOf(paymentId)).toBe('outcome_unknown');
    });

    it('selects by status and tenant only', async () => {
      setUp();
      await unknownPayment(1000, true);
      await project();

      const requestedOnly = await reconciler().run({
        statuses: ['requested'],
        updatedBefore: later(),
      });
      const otherTenant = await reconciler().run({
        statuses: DEFAULT_RECONCILE_STATUSES,
        updatedBefore: later(),
        tenantId: 'globex',
      });

      expect(requestedOnly.summary.selected).toBe(0);
      expect(otherTenant.summary.selected).toBe(0);
      expect(gateway.finds).toBe(0);
    });
  });

  describe('when a run is interrupted', () => {
    it('resumes from its cursor and does only what is left, skipping what was concluded meanwhile', async () => {
      setUp();
      const payments: string[] = [];
      for (let i = 0; i < 12; i += 1) payments.push(await unknownPayment(2000 + i * 100, true));
      await project();
      const selection = { statuses: DEFAULT_RECONCILE_STATUSES, updatedBefore: later() };
      const stop = new AbortController();
      const first: ReconcileItemResult[] = [];

      const interrupted = await reconciler({ concurrency: 2 }).run(selection, {
        signal: stop.signal,
        onItem: (item) => {
          first.push(item);
          if (first.length === 7) stop.abort();
        },
      });
      const second: ReconcileItemResult[] = [];
      const resumed = await reconciler({ concurrency: 2 }).run(selection, {
        ...(interrupted.cursor !== undefined && { cursor: interrupted.cursor }),
        onItem: (item) => void second.push(item),
      });

      expect(interrupted.ended).toBe('stopped');
      expect(resumed.ended).toBe('completed');
      // The page it stopped in is done again: its settled payments are skipped, not asked.
      const asked = [...first, ...second].filter((item) => item.outcome === 'settled');
      expect(asked.map((item) => item.paymentId).sort()).toEqual([...payments].sort());
      expect(second.filter((item) => item.outcome === 'skipped').length).toBeGreaterThan(0);
      expect(second.map((item) => item.paymentId)).not.toContain(first[0].paymentId);
      for (const paymentId of payments) expect(await statusOf(paymentId)).toBe('succeeded');
    });
  });

  describe('when the gateway takes only so many calls', () => {
    it('keeps its breaker closed: the run is paced below what overloads it', async () => {
      setUp(new FragileGateway(8, 200));
      for (let i = 0; i < 20; i += 1) await unknownPayment(3000 + i * 100, true);
      await project();

      const result = await reconciler({
        concurrency: 4,
        pacing: { ratePerSecond: 25 },
      }).run({ statuses: DEFAULT_RECONCILE_STATUSES, updatedBefore: later() });

      expect(result.summary.settled).toEqual({ succeeded: 20 });
      expect([...gateway.statesSeen]).toEqual(['closed']);
    });

    it('would open it unpaced (the control: the gateway twin does overload)', async () => {
      setUp(new FragileGateway(8, 200));
      for (let i = 0; i < 20; i += 1) await unknownPayment(3000 + i * 100, true);
      await project();

      await reconciler({
        concurrency: 10,
        pacing: { ratePerSecond: Number.POSITIVE_INFINITY, maxBreakerWaitMs: 0 },
      }).run({ statuses: DEFAULT_RECONCILE_STATUSES, updatedBefore: later() });

      expect(gateway.statesSeen.has('open')).toBe(true);
    });
  });

  describe("when the tenant's breaker is open", () => {
    it('asks nothing until it half-opens, probes with one payment, then goes on', async () => {
      setUp(new FragileGateway(Number.POSITIVE_INFINITY, 200, 150));
      for (let i = 0; i < 6; i += 1) await unknownPayment(4000 + i * 100, true);
      await project();
      gateway.trip();

      const result = await reconciler({ concurrency: 3, pacing: { pollMs: 10 } }).run({
        statuses: DEFAULT_RECONCILE_STATUSES,
        updatedBefore: later(),
      });

      expect(result.summary.settled).toEqual({ succeeded: 6 });
      expect(gateway.finds).toBe(6);
      expect(gateway.circuitState()).toBe('closed');
    });

    it('ends with gateway_unavailable and its cursor when the breaker stays open too long', async () => {
      setUp(new FragileGateway(Number.POSITIVE_INFINITY, 200, 60_000));
      const paymentId = await unknownPayment(5000, true);
      await project();
      gateway.trip();

      const result = await reconciler({ pacing: { pollMs: 5, maxBreakerWaitMs: 30 } }).run({
        statuses: DEFAULT_RECONCILE_STATUSES,
        updatedBefore: later(),
      });

      expect(result).toMatchObject({ ended: 'gateway_unavailable', tenantId: 'acme' });
      expect(result.cursor).toBeUndefined();
      expect(gateway.finds).toBe(0);
      expect(await statusOf(paymentId)).toBe('outcome_unknown');
    });
  });
});
