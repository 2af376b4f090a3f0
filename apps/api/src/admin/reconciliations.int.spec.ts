import { paymentDecider, paymentStreamId, type PaymentCommand } from '@ledger/ledger';
import {
  HttpPaymentGateway,
  TenantGateways,
  type CallContext,
  type ChargeRequest,
  type GatewayCircuitState,
  type PaymentGateway,
  type RefundRequest,
} from '@ledger/outbound';
import { evolvePaymentDocument, type PaymentDocument } from '@ledger/projections';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { createTestLedger, waitUntil, type TestLedger } from '@ledger/testing';
import pLimit from 'p-limit';
import { createTestApi, type TestApi } from '../testing/test-api';

const GATEWAY_KEY = 'sandbox-test-key-not-real';
const ACME_ADMIN = { authorization: 'Bearer test-admin-key-acme-0' };
const GLOBEX_ADMIN = { authorization: 'Bearer test-admin-key-globex' };
const ACME = { authorization: 'Bearer test-key-acme-0000' };
const OPERATOR = { authorization: 'Bearer test-key-operator-00' };

/** The tenant's client, noting its breaker's state before and after every status query. */
class WatchedGateway implements PaymentGateway {
  readonly states = new Set<GatewayCircuitState>();
  finds = 0;

  constructor(private readonly inner: PaymentGateway) {}

  charge(request: ChargeRequest, context: CallContext) {
    return this.inner.charge(request, context);
  }

  refund(request: RefundRequest, context: CallContext) {
    return this.inner.refund(request, context);
  }

  async findCharge(paymentId: string) {
    this.finds += 1;
    this.states.add(this.inner.circuitState());
    const found = await this.inner.findCharge(paymentId);
    this.states.add(this.inner.circuitState());
    return found;
  }

  circuitState() {
    return this.inner.circuitState();
  }
}

interface Progress {
  jobId: string;
  status: string;
  processed: number;
  total?: number;
  settled: Record<string, number>;
  unknown: number;
  skipped: number;
  errors: number;
  items: { paymentId: string; outcome: string; status?: string }[];
  itemsOmitted?: number;
  selection: Record<string, unknown>;
  finishedAt?: string;
}

describe('bulk reconcile through the admin API', () => {
  let ledger: TestLedger;
  let sandbox: RunningSandboxGateway;
  let api: TestApi;
  let watched: WatchedGateway;
  let client: HttpPaymentGateway;
  const charged: string[] = [];
  const declined: string[] = [];
  const untouched: string[] = [];
  /** When the payments were left (their events' `at`). */
  const leftAt = Date.now();

  /**
   * Writes a payment's stream as a run that never concluded it would have left it: decided in
   * memory by the payment decider, written in one append.
   */
  async function leaveUnconcluded(paymentId: string, amount: number, unknown: boolean) {
    const metadata = { now: new Date(leftAt).toISOString(), tenantId: 'acme' };
    const commands = [
      { type: 'RequestPayment', data: { paymentId, amount, currency: 'EUR' }, metadata },
      ...(unknown
        ? [
            {
              type: 'ConcludeCharge',
              data: { outcome: 'unknown', reason: 'timeout', source: 'gateway_response' },
              metadata,
            },
          ]
        : []),
    ] as PaymentCommand[];
    let state = paymentDecider.initialState();
    const events = commands.flatMap((command) => {
      const decided = paymentDecider.decide(command, state);
      for (const event of decided) state = paymentDecider.evolve(state, event);
      return decided;
    });
    const streamId = paymentStreamId('acme', paymentId);
    const written = await ledger.store.append(streamId, 0, events);
    // What the projector would write for it (no stream processor runs here), from what was written.
    let document: PaymentDocument | null = null;
    events.forEach((event, i) => {
      const version = written.fromVersion + i;
      document = evolvePaymentDocument(document, {
        ...event,
        streamId,
        version,
        eventId: written.eventIds[i],
        schemaVersion: event.schemaVersion ?? 1,
        metadata: event.metadata ?? {},
        recordedAt: written.recordedAt,
        position: `${written.recordedAt}#${streamId}#${version}`,
      });
    });
    return document as unknown as PaymentDocument;
  }

  /** The sandbox takes the charge under the payment's own key, as a lost answer leaves it. */
  async function chargeAtTheGateway(paymentId: string, amount: number): Promise<void> {
    const response = await fetch(`${sandbox.url}/v1/charges`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${GATEWAY_KEY}`,
        'idempotency-key': `acme:${paymentId}:charge`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ paymentId, amount, currency: 'EUR' }),
    });
    await response.body?.cancel();
    expect([201, 402]).toContain(response.status);
  }

  async function progressOf(jobId: string, headers = OPERATOR) {
    return api.app.inject({ method: 'GET', url: `/admin/reconciliations/${jobId}`, headers });
  }

  async function finished(jobId: string): Promise<Progress> {
    let progress: Progress | undefined;
    await waitUntil(
      async () => {
        progress = (await progressOf(jobId)).json<Progress>();
        return progress.status !== 'running';
      },
      { timeoutMs: 180_000, intervalMs: 200, what: `reconcile job ${jobId} to end` },
    );
    return progress as Progress;
  }

  beforeAll(async () => {
    ledger = await createTestLedger('reconciliations');
    sandbox = await startSandboxGateway({ port: 0, apiKey: GATEWAY_KEY });
    // Generous per-attempt timeouts: on a busy machine the in-process sandbox can be slow to
    // answer, and a timeout the machine caused would count towards the breaker.
    client = new HttpPaymentGateway({
      baseUrl: sandbox.url,
      apiKey: GATEWAY_KEY,
      attemptTimeoutMs: 15_000,
      deadlineMs: 30_000,
    });
    watched = new WatchedGateway(client);
    // The API's clock stands a second after the payments were left, however long seeding and
    // the run take: the requested ones stay within their request lock, so nothing may charge them.
    api = await createTestApi(ledger, {
      clock: () => new Date(leftAt + 1_000),
      gateways: new TenantGateways(
        new Map<string, PaymentGateway>([
          ['acme', watched],
          ['globex', watched],
        ]),
      ),
    });
    // 1,000 payments left without a conclusion: 700 the gateway charged (100 of them declined)
    // whose answers were lost (outcome_unknown), and 300 requested moments ago that it never saw.
    for (let i = 0; i < 1000; i += 1) {
      const paymentId = `pay_bulk${String(i).padStart(5, '0')}`;
      if (i < 600) charged.push(paymentId);
      else if (i < 700) declined.push(paymentId);
      else untouched.push(paymentId);
    }
    const amountOf = (i: number): number => (i >= 600 && i < 700 ? 1002 : 1000 + (i % 50) * 100);
    const all = [...charged, ...declined, ...untouched];
    const limit = pLimit(16);
    const documents = await Promise.all(
      all.map((paymentId, i) =>
        limit(async () => {
          const document = await leaveUnconcluded(paymentId, amountOf(i), i < 700);
          if (i < 700) await chargeAtTheGateway(paymentId, amountOf(i));
          return document;
        }),
      ),
    );
    await projectionAdapters(ledger.storage).documentsOf(FIRST_GENERATION).overwriteMany(documents);
  }, 240_000);

  afterAll(async () => {
    await api.close();
    await client.close();
    await sandbox.stop();
    await ledger.close();
  });

  describe('when 1,000 unknown payments wait and the sandbox charged 700 of them', () => {
    it('settles every charged one as the gateway has it, reports the rest, and never opens the breaker', async () => {
      const started = await api.app.inject({
        method: 'POST',
        url: '/admin/reconciliations',
        headers: OPERATOR,
        payload: { tenantId: 'acme', concurrency: 6, ratePerSecond: 500 },
      });

      expect(started.statusCode).toBe(202);
      const { jobId } = started.json<{ jobId: string }>();
      expect(started.headers.location).toBe(`/admin/reconciliations/${jobId}`);
      const job = await finished(jobId);

      expect({ ...job, items: undefined }).toMatchObject({
        status: 'completed',
        processed: 1000,
        total: 1000,
        settled: { succeeded: 600, failed: 100 },
        unknown: 300,
        skipped: 0,
        errors: 0,
        selection: { status: ['outcome_unknown', 'requested'], tenantId: 'acme' },
      });
      expect(job.items).toHaveLength(500);
      expect(job.itemsOmitted).toBe(500);
      expect([...watched.states]).toEqual(['closed']);
      const sample = [charged[0], charged[599], declined[0], untouched[0]];
      const statuses = await Promise.all(
        sample.map(async (paymentId) => {
          const { events } = await ledger.store.readStream(paymentStreamId('acme', paymentId));
          return events.at(-1)?.type;
        }),
      );
      expect(statuses).toEqual([
        'PaymentSucceeded',
        'PaymentSucceeded',
        'PaymentFailed',
        'PaymentRequested',
      ]);
    }, 200_000);
  });

  describe('when a tenant asks', () => {
    it("answers 403 for store-wide work and 404 for another tenant's job, and shows its own", async () => {
      const storeWide = await api.app.inject({
        method: 'POST',
        url: '/admin/reconciliations',
        headers: ACME_ADMIN,
        payload: { storeWide: true, dryRun: true },
      });
      const own = await api.app.inject({
        method: 'POST',
        url: '/admin/reconciliations',
        headers: ACME_ADMIN,
        payload: { dryRun: true, status: ['requested'] },
      });
      const { jobId } = own.json<{ jobId: string }>();
      await finished(jobId);

      const mine = await progressOf(jobId, ACME_ADMIN);
      const theirs = await progressOf(jobId, GLOBEX_ADMIN);

      expect(storeWide.statusCode).toBe(403);
      expect(storeWide.json()).toMatchObject({ code: 'operator_key_required' });
      expect(own.statusCode).toBe(202);
      expect(mine.statusCode).toBe(200);
      expect(mine.json()).toMatchObject({ status: 'completed', processed: 300, unknown: 0 });
      expect(theirs.statusCode).toBe(404);
      expect(theirs.json()).toMatchObject({ code: 'reconciliation_not_found' });
    });

    it('refuses a status the index does not hold', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/admin/reconciliations',
        headers: OPERATOR,
        payload: { tenantId: 'acme', status: ['succeeded'] },
      });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
    });
  });

  describe("when the tenant's breaker is open", () => {
    let broken: TestApi;
    let tripped: HttpPaymentGateway;

    beforeAll(async () => {
      tripped = new HttpPaymentGateway({
        baseUrl: sandbox.url,
        apiKey: GATEWAY_KEY,
        breakerThreshold: 1,
        halfOpenAfterMs: 600_000,
      });
      sandbox.script([{ status: 500 }]);
      await tripped.findCharge('pay_trip_the_breaker');
      expect(tripped.circuitState()).toBe('open');
      broken = await createTestApi(ledger, { gateway: tripped });
    });

    afterAll(async () => {
      await broken.close();
      await tripped.close();
    });

    it('still answers every read from the ledger', async () => {
      const paymentId = untouched[1];

      const one = await broken.app.inject({ url: `/payments/${paymentId}`, headers: ACME });
      const history = await broken.app.inject({
        url: `/payments/${paymentId}/history`,
        headers: ACME,
      });
      const list = await broken.app.inject({ url: '/payments?limit=5', headers: ACME });

      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject({ paymentId, status: 'requested' });
      expect(history.statusCode).toBe(200);
      expect(history.json<{ events: unknown[] }>().events).toHaveLength(1);
      expect(list.statusCode).toBe(200);
      expect(list.json<{ items: unknown[] }>().items).toHaveLength(5);
    });

    it('answers a reconcile 503 gateway_unavailable with Retry-After and the last known state', async () => {
      const paymentId = untouched[2];

      const response = await broken.app.inject({
        method: 'POST',
        url: `/payments/${paymentId}/reconcile`,
        headers: ACME,
      });

      expect(response.statusCode).toBe(503);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(500);
      expect(response.json()).toMatchObject({
        code: 'gateway_unavailable',
        payment: { paymentId, status: 'requested', amount: expect.any(Number), version: 1 },
      });
    });
  });
});
