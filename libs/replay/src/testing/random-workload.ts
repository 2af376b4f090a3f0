import { type EventStore } from '@ledger/event-store';
import {
  decodePaymentEvent,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  handleCommand,
} from '@ledger/ledger';

/** A small deterministic pseudo-random generator, so a failing workload can be rerun. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes a realistic random history for `payments` payments through the payment decider: gateway
 * retries (timeouts and 5xx before an outcome), declines and unknown outcomes, webhook deliveries
 * (some duplicated), refunds that succeed or fail. Returns how many events it wrote.
 */
export async function writeRandomWorkload(
  store: EventStore,
  options: { payments: number; tenants?: string[]; seed?: number; now?: () => string },
): Promise<number> {
  const random = seededRandom(options.seed ?? 7);
  const tenants = options.tenants ?? ['acme', 'globex'];
  const now = options.now ?? (() => new Date().toISOString());
  let written = 0;
  const run = async (
    tenantId: string,
    paymentId: string,
    type: PaymentCommand['type'],
    data: object,
  ) => {
    const handled = await handleCommand(
      store,
      paymentDecider,
      decodePaymentEvent,
      paymentStreamId(tenantId, paymentId),
      {
        type,
        data,
        metadata: { now: now(), tenantId },
      } as PaymentCommand,
    ).catch(() => undefined);
    written += handled?.appended
      ? handled.appended.toVersion - handled.appended.fromVersion + 1
      : 0;
  };
  const attempt = (n: number, outcome: string, extra: object = {}) => ({
    operation: 'charge',
    attempt: n,
    idempotencyKey: `k-${n}`,
    method: 'POST',
    path: '/v1/charges',
    startedAt: now(),
    durationMs: Math.floor(random() * 200),
    outcome,
    breakerState: 'closed',
    ...extra,
  });
  const lanes = Array.from({ length: 8 }, async (_, lane) => {
    for (let i = lane; i < options.payments; i += 8) {
      const tenantId = tenants[i % tenants.length];
      const paymentId = `pay_${i}`;
      const amount = 1000 + Math.floor(random() * 9000);
      await run(tenantId, paymentId, 'RequestPayment', {
        paymentId,
        amount,
        currency: 'EUR',
        customerId: `cus_${i % 17}`,
      });
      const retries = Math.floor(random() * 3);
      for (let n = 1; n <= retries; n++) {
        await run(
          tenantId,
          paymentId,
          'RecordGatewayAttempt',
          attempt(n, random() < 0.5 ? 'timeout' : 'http_error', {
            httpStatus: 503,
            nextDelayMs: 100,
          }),
        );
      }
      await run(
        tenantId,
        paymentId,
        'RecordGatewayAttempt',
        attempt(retries + 1, 'succeeded', { httpStatus: 201, gatewayTransactionId: `tx_${i}` }),
      );
      const roll = random();
      const outcome = roll < 0.75 ? 'succeeded' : roll < 0.9 ? 'declined' : 'unknown';
      await run(tenantId, paymentId, 'ConcludeCharge', {
        outcome,
        ...(outcome === 'succeeded' ? { gatewayTransactionId: `tx_${i}` } : {}),
        reason: outcome === 'declined' ? 'card_declined' : 'timeout',
        source: 'gateway_response',
      });
      const deliveries = 1 + Math.floor(random() * 2);
      for (let d = 0; d < deliveries; d++) {
        const deliveryEventId = `dlv_${i}_${d}`;
        const webhook = {
          deliveryEventId,
          deliveryStreamId: `${tenantId}#delivery#sandbox#${deliveryEventId}`,
          provider: 'sandbox',
          deliveryId: deliveryEventId,
          providerEventType: outcome === 'declined' ? 'payment.failed' : 'payment.completed',
          intent: outcome === 'declined' ? 'payment_failed' : 'payment_succeeded',
          receivedAt: now(),
        };
        await run(tenantId, paymentId, 'ApplyWebhook', webhook);
        // A duplicate delivery of the same webhook: the decider links it once.
        if (random() < 0.3) await run(tenantId, paymentId, 'ApplyWebhook', webhook);
      }
      const refunds = Math.floor(random() * 3);
      for (let r = 0; r < refunds; r++) {
        const refundId = `re_${i}_${r}`;
        await run(tenantId, paymentId, 'RequestRefund', {
          refundId,
          amount: 100 + Math.floor(random() * 400),
        });
        await run(tenantId, paymentId, 'ConcludeRefund', {
          refundId,
          outcome: random() < 0.8 ? 'succeeded' : 'failed',
          source: 'gateway_response',
          reason: 'test',
        });
      }
    }
  });
  await Promise.all(lanes);
  return written;
}
