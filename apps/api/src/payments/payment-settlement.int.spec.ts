import type { StoredEvent } from '@ledger/event-store';
import { paymentStreamId } from '@ledger/ledger';
import {
  HttpPaymentGateway,
  TenantGateways,
  type CallContext,
  type ChargeRequest,
  type PaymentGateway,
  type RefundRequest,
} from '@ledger/outbound';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { createLogger } from '@ledger/observability';
import { evolvePaymentDocument, type PaymentDocument } from '@ledger/projections';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import { composePaymentSweeper } from '../composition/payment-sweeper.root';
import { createTestApi, type TestApi } from '../testing/test-api';

const GATEWAY_KEY = 'sandbox-test-key-not-real';
const ACME = { authorization: 'Bearer test-key-acme-0000' };
/** Past the request-idempotency lock (30 s): the earlier run counts as dead. */
const AFTER_THE_LOCK_MS = 31_000;

/** The process dying at a chosen point of a charge: nothing after it runs. */
class ProcessKilled extends Error {}

/**
 * A gateway the test switches between: the healthy client, one whose process "dies" after the
 * charge reached the gateway (before its answer is recorded) or before anything is sent, and one
 * whose breaker is open, as in a new process right after a restart during a gateway outage.
 */
class SwitchableGateway implements PaymentGateway {
  mode: 'healthy' | 'killed_after_sending' | 'killed_before_sending' | 'breaker_open' = 'healthy';

  constructor(
    private readonly healthy: HttpPaymentGateway,
    private readonly broken: HttpPaymentGateway,
  ) {}

  async charge(request: ChargeRequest, context: CallContext) {
    switch (this.mode) {
      case 'killed_before_sending':
        throw new ProcessKilled('killed before the charge was sent');
      case 'killed_after_sending':
        return this.healthy.charge(request, {
          ...context,
          onAttempt: () =>
            Promise.reject(new ProcessKilled('killed before the answer was recorded')),
        });
      case 'breaker_open':
        return this.broken.charge(request, context);
      case 'healthy':
        return this.healthy.charge(request, context);
    }
  }

  async refund(request: RefundRequest, context: CallContext) {
    if (this.mode === 'killed_before_sending') throw new ProcessKilled('killed before sending');
    if (this.mode === 'killed_after_sending') {
      return this.healthy.refund(request, {
        ...context,
        onAttempt: () => Promise.reject(new ProcessKilled('killed before the answer was recorded')),
      });
    }
    return this.current().refund(request, context);
  }

  findCharge: PaymentGateway['findCharge'] = (paymentId) => this.current().findCharge(paymentId);
  circuitState = () => this.current().circuitState();

  private current(): HttpPaymentGateway {
    return this.mode === 'breaker_open' ? this.broken : this.healthy;
  }
}

describe('settling payments a dead run left behind', () => {
  let ledger: TestLedger;
  let sandbox: RunningSandboxGateway;
  let api: TestApi;
  let gateway: SwitchableGateway;
  let broken: HttpPaymentGateway;
  let now = Date.parse('2026-03-01T10:00:00.000Z');
  let keys = 0;

  beforeAll(async () => {
    ledger = await createTestLedger('settlement');
    sandbox = await startSandboxGateway({ port: 0, apiKey: GATEWAY_KEY });
    const options = {
      baseUrl: sandbox.url,
      apiKey: GATEWAY_KEY,
      attemptTimeoutMs: 2_000,
      deadlineMs: 8_000,
      baseDelayMs: 10,
      capMs: 50,
    };
    broken = new HttpPaymentGateway({ ...options, breakerThreshold: 1, halfOpenAfterMs: 600_000 });
    gateway = new SwitchableGateway(new HttpPaymentGateway(options), broken);
    api = await createTestApi(ledger, { gateway, clock: () => new Date(now) });
    // One 5xx opens the second client's breaker, which stays open for the whole file.
    sandbox.script([{ status: 500 }]);
    await broken.findCharge('pay_trip_the_breaker');
  });

  afterEach(() => {
    gateway.mode = 'healthy';
  });

  afterAll(async () => {
    await api.close();
    await sandbox.stop();
    await ledger.close();
  });

  function createPayment(body: object, key: string) {
    return api.app.inject({
      method: 'POST',
      url: '/payments',
      headers: { ...ACME, 'idempotency-key': key, 'content-type': 'application/json' },
      payload: body,
    });
  }

  function reconcile(paymentId: string) {
    return api.app.inject({
      method: 'POST',
      url: `/payments/${paymentId}/reconcile`,
      headers: ACME,
    });
  }

  /** What the projector would write for the payment (no stream processor runs here). */
  async function project(paymentId: string): Promise<void> {
    let document: PaymentDocument | null = null;
    for (const event of await events(paymentId)) document = evolvePaymentDocument(document, event);
    const documents = projectionAdapters(ledger.storage).documentsOf(FIRST_GENERATION);
    if (document !== null) expect(await documents.put(document, 0)).toBe(true);
  }

  async function events(paymentId: string): Promise<StoredEvent[]> {
    return (await ledger.store.readStream(paymentStreamId('acme', paymentId))).events;
  }

  // The killed request never answered with its id: find it by its amount, unique in this file.
  async function onlyPaymentOf(amount: number): Promise<string> {
    const ids = new Set<string>();
    for await (const event of ledger.store.readAll()) {
      if (event.type === 'PaymentRequested' && event.data.amount === amount) {
        ids.add(String(event.data.paymentId));
      }
    }
    expect(ids.size).toBe(1);
    return [...ids][0];
  }

  it('has a breaker that is open, as after a restart during an outage', () => {
    expect(broken.circuitState()).toBe('open');
  });

  describe('when the charge reached the gateway, the process died before recording the answer, and the retry finds the breaker open', () => {
    it('answers outcome_unknown, never failed, and reconcile settles it as the gateway has it', async () => {
      const key = `killed-after-sending-${++keys}`;
      const body = { amount: 4200, currency: 'EUR' };
      const chargesBefore = sandbox.stats().chargesCreated;
      gateway.mode = 'killed_after_sending';
      const killed = await createPayment(body, key);
      expect(killed.statusCode).toBe(500);
      expect(sandbox.stats().chargesCreated).toBe(chargesBefore + 1);

      now += AFTER_THE_LOCK_MS;
      gateway.mode = 'breaker_open';
      const resumed = await createPayment(body, key);
      const { paymentId, status } = resumed.json<{ paymentId: string; status: string }>();
      gateway.mode = 'healthy';
      const reconciled = await reconcile(paymentId);

      expect(resumed.statusCode).toBe(201);
      expect(status).toBe('outcome_unknown');
      expect(reconciled.json()).toMatchObject({ paymentId, status: 'succeeded' });
      const types = (await events(paymentId)).map((e) => e.type);
      expect(types).not.toContain('PaymentFailed');
      expect(types).toEqual([
        'PaymentRequested',
        'ChargeResumed',
        'GatewayCallAttempted',
        'PaymentOutcomeUnknown',
        'PaymentSucceeded',
      ]);
      expect(sandbox.stats().chargesCreated).toBe(chargesBefore + 1);
    });
  });

  describe('when the run died after PaymentRequested and the client never came back', () => {
    it('leaves it requested while its lock may be held, then charges it once with the same key', async () => {
      const key = `killed-before-sending-${++keys}`;
      const chargesBefore = sandbox.stats().chargesCreated;
      gateway.mode = 'killed_before_sending';
      await createPayment({ amount: 4300, currency: 'EUR' }, key);
      gateway.mode = 'healthy';
      const paymentId = await onlyPaymentOf(4300);

      const early = await reconcile(paymentId);
      expect(early.json()).toMatchObject({ status: 'requested' });
      expect(sandbox.stats().chargesCreated).toBe(chargesBefore);

      now += AFTER_THE_LOCK_MS;
      const settled = await reconcile(paymentId);

      expect(settled.statusCode).toBe(200);
      expect(settled.json()).toMatchObject({ paymentId, status: 'succeeded' });
      expect(sandbox.stats().chargesCreated).toBe(chargesBefore + 1);
      const attempts = (await events(paymentId)).filter((e) => e.type === 'GatewayCallAttempted');
      expect(attempts.map((a) => a.data.idempotencyKey)).toEqual([`acme:${paymentId}:charge`]);
      const again = await reconcile(paymentId);
      expect(again.json()).toMatchObject({ status: 'succeeded' });
      expect(sandbox.stats().chargesCreated).toBe(chargesBefore + 1);
    });
  });

  describe('when the run died after sending and the gateway holds the charge', () => {
    it('reconcile settles the requested payment from the gateway without charging again', async () => {
      const key = `requested-and-charged-${++keys}`;
      const chargesBefore = sandbox.stats().chargesCreated;
      gateway.mode = 'killed_after_sending';
      await createPayment({ amount: 4400, currency: 'EUR' }, key);
      gateway.mode = 'healthy';
      const paymentId = await onlyPaymentOf(4400);

      const settled = await reconcile(paymentId);

      expect(settled.json()).toMatchObject({ paymentId, status: 'succeeded' });
      expect(sandbox.stats().chargesCreated).toBe(chargesBefore + 1);
    });
  });

  describe('when nobody comes back for a payment left in requested', () => {
    it('the sweeper settles it once it is older than the configured age', async () => {
      const chargesBefore = sandbox.stats().chargesCreated;
      gateway.mode = 'killed_before_sending';
      await createPayment({ amount: 4700, currency: 'EUR' }, `swept-${++keys}`);
      gateway.mode = 'healthy';
      const paymentId = await onlyPaymentOf(4700);
      await project(paymentId);
      const sweeper = composePaymentSweeper({
        config: api.deps.config,
        storage: ledger.storage,
        logger: createLogger('silent'),
        gateways: new TenantGateways(new Map([['acme', gateway]])),
        clock: () => new Date(now),
      });

      const early = await sweeper.sweep();
      now += api.deps.config.payments.sweeper.olderThanSeconds * 1000 + 1_000;
      const swept = await sweeper.sweep();

      expect(early.examined).toBe(0);
      expect(swept).toMatchObject({ settled: 1, failed: 0 });
      expect((await events(paymentId)).map((e) => e.type)).toEqual([
        'PaymentRequested',
        'ChargeResumed',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
      expect(sandbox.stats().chargesCreated).toBe(chargesBefore + 1);
    });
  });

  describe('when a refund reached the gateway, the process died, and the retry finds the breaker open', () => {
    it('answers the refund outcome_unknown, never failed', async () => {
      const created = await createPayment({ amount: 4800, currency: 'EUR' }, `refunded-${++keys}`);
      const { paymentId } = created.json<{ paymentId: string }>();
      const refund = () =>
        api.app.inject({
          method: 'POST',
          url: `/payments/${paymentId}/refunds`,
          headers: { ...ACME, 'idempotency-key': `refund-${paymentId}` },
          payload: { amount: 800 },
        });
      gateway.mode = 'killed_after_sending';
      expect((await refund()).statusCode).toBe(500);

      now += AFTER_THE_LOCK_MS;
      gateway.mode = 'breaker_open';
      const resumed = await refund();

      expect(resumed.statusCode).toBe(201);
      expect(resumed.json()).toMatchObject({
        status: 'outcome_unknown',
        paymentStatus: 'succeeded',
      });
      const types = (await events(paymentId)).map((e) => e.type);
      expect(types).toContain('RefundResumed');
      expect(types).not.toContain('RefundFailed');
    });
  });

  describe('when the requesting run itself finds the breaker open', () => {
    it('answers failed: the stream proves no run sent anything', async () => {
      gateway.mode = 'breaker_open';

      const response = await createPayment({ amount: 4500, currency: 'EUR' }, `first-${++keys}`);

      expect(response.json()).toMatchObject({ status: 'failed' });
    });
  });
});
