import { randomBytes } from 'node:crypto';
import {
  GATEWAY_CLIENT_USER_AGENT,
  HttpPaymentGateway,
  type ResilienceOptions,
} from '@ledger/outbound';
import { Agent, request as undiciRequest } from 'undici';

/** Minor units that the sandbox always accepts (see its test amounts: not ending in 02 or 51). */
const AMOUNT = 12_990;
const CURRENCY = 'EUR';
const SEQUENCE_DIGITS = 9;

/** The ways of charging the sandbox being compared. */
export type ChargeSide = 'client' | 'bare' | 'fetch';

/**
 * Charging the sandbox three ways: through `HttpPaymentGateway` (retry, bulkhead, circuit
 * breaker, timeout and deadline around an undici request); a bare undici request, the same HTTP
 * engine as the client's with the same body and headers and no policy; and a bare global `fetch`
 * of the same request, for reference. Every call has its own idempotency key and payment id, so
 * each one is a real new charge on the sandbox, never a replay.
 */
export interface ChargeWorkload {
  call(side: ChargeSide): Promise<void>;
  /** Calls made per side so far (a failed one aborts the measurement). */
  counts(): Record<ChargeSide, number>;
  /** Closes the connection pools. */
  close(): Promise<void>;
}

export function chargeWorkload(options: {
  baseUrl: string;
  apiKey: string;
  resilience: Partial<ResilienceOptions>;
}): ChargeWorkload {
  const gateway = new HttpPaymentGateway({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    ...options.resilience,
  });
  // A pool of its own, as the client has.
  const pool = new Agent();
  const runId = randomBytes(4).toString('hex');
  const sides: Record<ChargeSide, string> = { client: 'c', bare: 'b', fetch: 'f' };
  const seq: Record<ChargeSide, number> = { client: 0, bare: 0, fetch: 0 };
  // Equal lengths on every side, so the bodies and headers are the same size.
  const nextId = (side: ChargeSide): string =>
    `${runId}-${sides[side]}-${String(++seq[side]).padStart(SEQUENCE_DIGITS, '0')}`;
  const url = `${options.baseUrl}/v1/charges`;
  const authorization = `Bearer ${options.apiKey}`;

  const request = (id: string) => ({
    paymentId: `pay_${id}`,
    amount: AMOUNT,
    currency: CURRENCY,
    orderId: `ord_${id}`,
    customerId: 'cus_Q1w2E3r4T5y6U7',
  });
  // What the client sends, without any policy around it.
  const headers = (id: string) => ({
    accept: 'application/json',
    authorization,
    'idempotency-key': `idem_${id}`,
    'content-type': 'application/json',
    'user-agent': GATEWAY_CLIENT_USER_AGENT,
  });
  const expectCreated = (side: ChargeSide, status: number, text: string): void => {
    if (status !== 201) throw new Error(`${side} charge answered ${status}: ${text}`);
    // Any caller reads the charge out of the answer, as the client does.
    JSON.parse(text);
  };

  const calls: Record<ChargeSide, () => Promise<void>> = {
    async client() {
      const id = nextId('client');
      const outcome = await gateway.charge(request(id), {
        idempotencyKey: `idem_${id}`,
        operation: 'charge',
        onAttempt: async () => {},
      });
      if (outcome.outcome !== 'succeeded') {
        throw new Error(`charge through the client ended ${JSON.stringify(outcome)}`);
      }
    },
    async bare() {
      const id = nextId('bare');
      const response = await undiciRequest(url, {
        method: 'POST',
        headers: headers(id),
        body: JSON.stringify(request(id)),
        dispatcher: pool,
      });
      expectCreated('bare', response.statusCode, await response.body.text());
    },
    async fetch() {
      const id = nextId('fetch');
      const response = await fetch(url, {
        method: 'POST',
        headers: headers(id),
        body: JSON.stringify(request(id)),
        redirect: 'manual',
      });
      expectCreated('fetch', response.status, await response.text());
    },
  };

  return {
    call: (side) => calls[side](),
    counts: () => ({ ...seq }),
    close: async () => {
      await Promise.all([gateway.close(), pool.close()]);
    },
  };
}
