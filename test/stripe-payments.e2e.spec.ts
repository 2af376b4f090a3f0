import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { waitUntil } from '@ledger/testing';
import { parse, stringify } from 'yaml';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

const ACME = { authorization: 'Bearer local-dev-key-acme' };
// A Stripe test-mode key shape for the sandbox's account; not a real key.
const STRIPE_KEY = 'sk_test_e2e_sandbox_not_a_real_key';
// The committed example configuration's `stripe-test` provider of acme (a placeholder secret).
const STRIPE_WEBHOOK_SECRET = 'whsec_local_dev_only_not_a_real_secret';

interface HistoryEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * `ledger start` with acme's gateway account a `stripe` one, pointed at the sandbox's Stripe mode
 * (run here, beside the service): the README's payment example, a decline, a refund and a
 * reconcile, end to end through the official SDK on the wire.
 */
describe("payments, end to end through a Stripe account (the sandbox's Stripe mode)", () => {
  let sandbox: RunningSandboxGateway;
  let ledger: LedgerProcess;

  beforeAll(async () => {
    const env = await isolatedEnv();
    sandbox = await startSandboxGateway({
      apiKey: STRIPE_KEY,
      webhook: {
        url: `http://127.0.0.1:${env.PORT}/webhooks/stripe-test`,
        secret: STRIPE_WEBHOOK_SECRET,
        scheme: 'stripe',
      },
    });
    const config = parse(readFileSync(join(__dirname, '..', 'ledger.config.yaml'), 'utf8')) as {
      tenants: { id: string; gateway: object }[];
    };
    config.tenants = config.tenants.map((tenant) =>
      tenant.id === 'acme'
        ? { ...tenant, gateway: { kind: 'stripe', baseUrl: sandbox.url, apiKey: STRIPE_KEY } }
        : tenant,
    );
    const configPath = join(
      mkdtempSync(join(tmpdir(), 'ledger-stripe-e2e-')),
      'ledger.config.yaml',
    );
    writeFileSync(configPath, stringify(config));
    ledger = spawnLedger({ ...env, LEDGER_CONFIG: configPath });
    await waitForHealthy(ledger);
  });

  afterAll(async () => {
    await ledger?.stop();
    await sandbox?.stop();
  });

  async function post(path: string, body: object | undefined, idempotencyKey?: string) {
    const response = await fetch(`${ledger.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        ...ACME,
        ...(idempotencyKey !== undefined && { 'idempotency-key': idempotencyKey }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** The payment's history once `done` holds for it. */
  async function historyOf(
    paymentId: string,
    done: (events: HistoryEvent[]) => boolean = () => true,
  ): Promise<HistoryEvent[]> {
    let events: HistoryEvent[] = [];
    await waitUntil(
      async () => {
        const response = await fetch(`${ledger.baseUrl}/payments/${paymentId}/history?limit=100`, {
          headers: ACME,
        });
        events = ((await response.json()) as { events: HistoryEvent[] }).events ?? [];
        return response.status === 200 && done(events);
      },
      { intervalMs: 200, what: `the history of ${paymentId}` },
    );
    return events;
  }

  const attemptsIn = (events: HistoryEvent[]) =>
    events.filter((e) => e.type === 'GatewayCallAttempted').map((e) => e.data);

  describe("when the README's payment example is posted", () => {
    it('succeeds as a PaymentIntent, the attempt in its history, and the Stripe webhook is accepted', async () => {
      const created = await post(
        '/payments',
        { amount: 4200, currency: 'EUR', orderId: 'order-stripe-e2e-1' },
        'e2e-stripe-1',
      );

      expect(created).toMatchObject({ status: 201, body: { status: 'succeeded' } });
      const history = await historyOf(String(created.body.paymentId));
      const [attempt] = attemptsIn(history);
      expect(attempt).toMatchObject({ path: '/v1/payment_intents', outcome: 'succeeded' });
      expect(attempt.gatewayTransactionId).toMatch(/^pi_/);
      expect(attempt.gatewayRequestId).toMatch(/^req_/);
      // The ledger verified the Stripe-Signature of the payment_intent.succeeded event and took it.
      await waitUntil(() => sandbox.stats().webhooksSent >= 1, { what: 'an accepted webhook' });
      // The stripe interpreter reads the ledger's id from the intent's metadata: the delivery is
      // linked to this payment, once (by a WebhookLinked when the API's answer concluded it
      // first, or by the state event it caused, as `data.webhook`, when it came first).
      const linksIn = (events: HistoryEvent[]) =>
        events.flatMap((e) =>
          e.type === 'WebhookLinked' ? [e.data] : e.data.webhook ? [e.data.webhook] : [],
        );
      const linked = await historyOf(
        String(created.body.paymentId),
        (events) => linksIn(events).length > 0,
      );
      expect(linksIn(linked)).toEqual([
        expect.objectContaining({
          provider: 'stripe-test',
          providerEventType: 'payment_intent.succeeded',
          deliveryId: expect.stringMatching(/^evt_/),
        }),
      ]);
      expect(linked.filter((e) => e.type === 'PaymentSucceeded')).toHaveLength(1);
    });
  });

  describe('when the card is declined', () => {
    it('fails with the decline code', async () => {
      const created = await post('/payments', { amount: 1051, currency: 'EUR' }, 'e2e-stripe-2');

      expect(created.body.status).toBe('failed');
      const history = await historyOf(String(created.body.paymentId));
      expect(history.find((e) => e.type === 'PaymentFailed')?.data).toMatchObject({
        declineCode: 'insufficient_funds',
      });
      expect(attemptsIn(history)).toEqual([
        expect.objectContaining({ outcome: 'http_error', httpStatus: 402 }),
      ]);
    });
  });

  describe('when a payment is refunded', () => {
    it('refunds its PaymentIntent, the refund attempt in its history', async () => {
      const created = await post('/payments', { amount: 3000, currency: 'EUR' }, 'e2e-stripe-3');
      const paymentId = String(created.body.paymentId);

      const refunded = await post(`/payments/${paymentId}/refunds`, { amount: 1000 }, 'e2e-r-3');

      expect(refunded).toMatchObject({ status: 201, body: { status: 'succeeded' } });
      const history = await historyOf(paymentId);
      const refundAttempt = attemptsIn(history).find((a) => a.operation === 'refund');
      expect(refundAttempt).toMatchObject({ path: '/v1/refunds', outcome: 'succeeded' });
      expect(refundAttempt?.gatewayTransactionId).toMatch(/^re_/);
    });
  });

  describe('when Stripe charges but its answers are lost', () => {
    it('ends outcome_unknown, and reconcile settles it from the PaymentIntent', async () => {
      // Stripe's payment_intent.succeeded would conclude the payment as well (the stripe
      // interpreter reads it): held back past the test, so that reconcile is what settles it.
      sandbox.setFaults({ webhookDelayMs: 10 * 60_000 });
      sandbox.script([
        { hang: true, afterProcessing: true },
        { hang: true },
        { hang: true },
        { hang: true },
      ]);

      const created = await post('/payments', { amount: 5500, currency: 'EUR' }, 'e2e-stripe-4');
      const paymentId = String(created.body.paymentId);
      const reconciled = await post(`/payments/${paymentId}/reconcile`, undefined);

      expect(created.body.status).toBe('outcome_unknown');
      expect(reconciled).toMatchObject({ status: 200, body: { status: 'succeeded' } });
      const history = await historyOf(paymentId);
      const attempts = attemptsIn(history);
      expect(attempts.length).toBeGreaterThan(1);
      expect(attempts.every((a) => a.outcome === 'timeout')).toBe(true);
      expect(history.map((e) => e.type)).toEqual(
        expect.arrayContaining(['PaymentOutcomeUnknown', 'PaymentSucceeded']),
      );
    });
  });
});
