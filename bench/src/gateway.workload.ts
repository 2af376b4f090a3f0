import { randomBytes } from 'node:crypto';
import { HttpPaymentGateway, type ResilienceOptions } from '@ledger/outbound';

/** Minor units that the sandbox always accepts (see its test amounts: not ending in 02 or 51). */
const AMOUNT = 12_990;
const CURRENCY = 'EUR';
const SEQUENCE_DIGITS = 9;

/**
 * The two ways of charging the sandbox being compared: through `HttpPaymentGateway` (retry,
 * bulkhead, circuit breaker, timeout and deadline around fetch) and a bare `fetch` POST of the
 * same body with the same headers. Every call has its own idempotency key and payment id, so each
 * one is a real new charge on the sandbox, never a replay.
 */
export interface ChargeWorkload {
  viaClient(): Promise<void>;
  bare(): Promise<void>;
  /** Calls made per side so far (a failed one aborts the measurement). */
  counts(): { client: number; bare: number };
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
  const runId = randomBytes(4).toString('hex');
  // Equal lengths on both sides, so the bodies and headers are the same size.
  const idOf = (side: 'c' | 'b', seq: number): string =>
    `${runId}-${side}-${String(seq).padStart(SEQUENCE_DIGITS, '0')}`;
  const url = `${options.baseUrl}/v1/charges`;
  const authorization = `Bearer ${options.apiKey}`;
  let clientSeq = 0;
  let bareSeq = 0;

  const request = (id: string) => ({
    paymentId: `pay_${id}`,
    amount: AMOUNT,
    currency: CURRENCY,
    orderId: `ord_${id}`,
    customerId: 'cus_Q1w2E3r4T5y6U7',
  });

  return {
    async viaClient() {
      const id = idOf('c', ++clientSeq);
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
      const id = idOf('b', ++bareSeq);
      // What the client sends, without any policy around it.
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          authorization,
          'idempotency-key': `idem_${id}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(request(id)),
        redirect: 'manual',
      });
      const text = await response.text();
      if (response.status !== 201) {
        throw new Error(`bare charge answered ${response.status}: ${text}`);
      }
      // Any caller reads the charge out of the answer, as the client does.
      JSON.parse(text);
    },
    counts: () => ({ client: clientSeq, bare: bareSeq }),
  };
}
