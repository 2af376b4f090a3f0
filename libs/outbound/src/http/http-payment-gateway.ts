import { TaskCancelledError } from 'cockatiel';
import { Agent, type Dispatcher, request } from 'undici';
import {
  GatewayClientClosedError,
  GatewayNetworkError,
  InvalidGatewayOptionsError,
} from '../gateway.errors';
import {
  type AnswerVerdict,
  type FinalAnswer,
  type JudgeAnswer,
  GuardedAttempts,
  parseBaseUrl,
} from '../guarded-attempts';
import type {
  CallContext,
  ChargeRequest,
  GatewayCharge,
  GatewayCircuitState,
  GatewayOutcome,
  GatewayRefund,
  PaymentGateway,
  RefundRequest,
} from '../payment-gateway.port';
import type { HttpExchange, ResilienceOptions } from './resilience.policy';
import {
  readCharge,
  readChargeList,
  readRefund,
  readRefusal,
  type GatewayRefusal,
} from './gateway-responses';

/** Configuration of the HTTP adapter; resilience options default as in `DEFAULT_RESILIENCE_OPTIONS`. */
export interface HttpPaymentGatewayOptions extends Partial<ResilienceOptions> {
  /** e.g. `http://127.0.0.1:4020`; a path prefix is kept. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`; never recorded, logged or put in an error. */
  apiKey: string;
  /** Epoch milliseconds; injectable so records and deadlines can be made deterministic. */
  now?: () => number;
  /** In [0, 1); injectable to make the jitter deterministic. */
  random?: () => number;
}

/** Who is calling, for the gateway's logs (undici's request sends no User-Agent of its own). */
export const GATEWAY_CLIENT_USER_AGENT = 'integration-ledger-gateway-client/1';

/** Statuses worth another attempt: the gateway did not process it (yet), or failed transiently. */
const RETRYABLE_STATUSES = new Set([408, 409, 425, 429]);

/** A request as the adapter describes it; `path` is what the attempt record shows. */
interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  idempotencyKey?: string;
}

/** Reads an operation's answer out of a response that is neither retryable nor a server error. */
type Interpret<T> = (exchange: HttpExchange) => FinalAnswer<T>;

/**
 * The sandbox-compatible gateway over HTTP (`/v1/charges`, `/v1/charges/{id}/refunds`), with
 * timeout, deadline, retry, circuit breaker and bulkhead composed once per instance. Every attempt
 * of a charge or refund (refused ones included) is handed to `context.onAttempt` before the next.
 *
 * Requests go through undici's `request` (the HTTP client Node's fetch is built on, without the
 * WHATWG Request, Response and web-stream objects per call; far cheaper per call, see
 * docs/benchmarks.md) on a connection pool of this instance's own. Idle connections do not keep a
 * process alive; {@link HttpPaymentGateway.close} ends them.
 */
export class HttpPaymentGateway implements PaymentGateway {
  // A private field: not enumerable, so neither JSON nor a logged instance can show it.
  readonly #authorization: string;
  /** Origin and path prefix, without a trailing slash; request paths are appended to it. */
  private readonly base: string;
  /** Keep-alive connections to this gateway. */
  private readonly pool: Agent;
  private readonly attempts: GuardedAttempts<HttpCall>;
  private closing?: Promise<void>;

  constructor(options: HttpPaymentGatewayOptions) {
    const { baseUrl, apiKey, now, random, ...resilience } = options;
    const url = parseBaseUrl(baseUrl);
    this.base = url.origin + url.pathname.replace(/\/$/, '');
    if (typeof apiKey !== 'string' || apiKey.length === 0) {
      throw new InvalidGatewayOptionsError(['apiKey must be a non-empty string']);
    }
    this.#authorization = `Bearer ${apiKey}`;
    this.attempts = new GuardedAttempts<HttpCall>(resilience, {
      send: (call, signal) => this.send(call, signal),
      requestIdHeader: 'x-request-id',
      now,
      random,
    });
    // No connection attempt outlives the attempt that needed it (undici's default is 10 s).
    this.pool = new Agent({
      connect: { timeout: this.attempts.resilience.options.attemptTimeoutMs },
    });
  }

  /** Charges once per idempotency key; see {@link PaymentGateway.charge}. */
  charge(request: ChargeRequest, context: CallContext): Promise<GatewayOutcome<GatewayCharge>> {
    const body = {
      paymentId: request.paymentId,
      amount: request.amount,
      currency: request.currency,
      ...(request.orderId === undefined ? {} : { orderId: request.orderId }),
      ...(request.customerId === undefined ? {} : { customerId: request.customerId }),
      ...(request.description === undefined ? {} : { description: request.description }),
    };
    const call: HttpCall = {
      method: 'POST',
      path: '/v1/charges',
      body,
      idempotencyKey: context.idempotencyKey,
    };
    return this.attempts.run(call, context, judgeCharge);
  }

  /** Refunds (part of) a charge; see {@link PaymentGateway.refund}. */
  refund(request: RefundRequest, context: CallContext): Promise<GatewayOutcome<GatewayRefund>> {
    const call: HttpCall = {
      method: 'POST',
      path: `/v1/charges/${encodeURIComponent(request.chargeId)}/refunds`,
      body: { refundId: request.refundId, amount: request.amount, paymentId: request.paymentId },
      idempotencyKey: context.idempotencyKey,
    };
    return this.attempts.run(call, context, judgeRefund);
  }

  /** The newest gateway charge for one of our payment ids; reads retry like writes, unrecorded. */
  findCharge(paymentId: string): Promise<GatewayOutcome<GatewayCharge | undefined>> {
    const call: HttpCall = {
      method: 'GET',
      path: '/v1/charges',
      query: new URLSearchParams({ paymentId }),
    };
    return this.attempts.run(call, undefined, judgeChargeList);
  }

  /** The circuit breaker's current state. */
  circuitState(): GatewayCircuitState {
    return this.attempts.resilience.circuitState();
  }

  /**
   * Closes the connection pool once calls in flight are done; a later call rejects with
   * {@link GatewayClientClosedError}.
   */
  close(): Promise<void> {
    this.closing ??= this.pool.close();
    return this.closing;
  }

  /** The HTTP request itself; the body is read under the same signal, so the timeout covers it. */
  private async send(call: HttpCall, signal: AbortSignal): Promise<HttpExchange> {
    // Paths are built encoded (see refund), so plain concatenation is the URL; no URL object
    // per call on this hot path.
    const url =
      call.query === undefined
        ? this.base + call.path
        : `${this.base}${call.path}?${call.query.toString()}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: this.#authorization,
      'user-agent': GATEWAY_CLIENT_USER_AGENT,
    };
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    try {
      // undici's request follows no redirect (the API has none; following one would replay a
      // POST somewhere else). It ends on the signal while waiting for the answer and while
      // reading the body; a request still waiting for its connection is ended by endOnAbort.
      const response = await endOnAbort(
        request(url, {
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal,
          dispatcher: this.pool,
        }),
        signal,
      );
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: parseJson(text) };
    } catch (error) {
      // An abort is the timeout's (or the deadline's) doing: a cancellation, counted as a timeout.
      if (signal.aborted) throw new TaskCancelledError('The attempt was cut short by its timeout');
      const code = networkErrorCode(error);
      if (code === 'UND_ERR_CLOSED' || code === 'UND_ERR_DESTROYED') {
        throw new GatewayClientClosedError();
      }
      throw new GatewayNetworkError(code);
    }
  }
}

/**
 * The verdict on one answer: 408/409/425/429/5xx are retried; 1xx/3xx are no definitive answer
 * and nothing to retry either (`unknown`); every other answer is read by `interpret`.
 */
function judgeBy<T>(interpret: Interpret<T>): JudgeAnswer<T> {
  return (exchange): AnswerVerdict<T> => {
    const { status } = exchange;
    if (RETRYABLE_STATUSES.has(status) || status >= 500) {
      return { kind: 'retry', cause: status === 429 ? 'rate_limited' : `http_${status}` };
    }
    if (status < 200 || (status >= 300 && status < 400)) {
      return {
        kind: 'final',
        final: { outcome: { outcome: 'unknown', reason: `http_${status}` } },
      };
    }
    return { kind: 'final', final: interpret(exchange) };
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The request's answer, or a rejection as soon as the signal aborts. undici only notices an abort
 * once a request has its connection, so a request waiting for one (a TCP connect or a TLS
 * handshake that stalls) would outlive its timeout until the connect timeout. The abandoned request
 * is still ended by undici before anything is written, and an answer that arrives anyway is
 * discarded, freeing its connection.
 */
function endOnAbort(
  pending: Promise<Dispatcher.ResponseData>,
  signal: AbortSignal,
): Promise<Dispatcher.ResponseData> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void =>
      reject(new TaskCancelledError('The attempt was cut short by its timeout'));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) response.body.destroy();
        else resolve(response);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new GatewayNetworkError('request_failed'));
      },
    );
  });
}

/** The errno-style code of a network failure (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...), if any. */
function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && isRecord(current); depth++) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause;
  }
  return 'request_failed';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * A definitive refusal (402 and every non-retryable 4xx): the gateway said no and moved no
 * money. The code is the most specific the gateway gave: the declined charge's decline code
 * (`insufficient_funds`), else the error's (`card_declined`, `idempotency_key_reused`...), else
 * `http_<status>`, so the same decline reads the same here and in the gateway's webhook.
 */
function declined(
  exchange: HttpExchange,
  { error, charge }: GatewayRefusal,
  transactionId?: string,
): FinalAnswer<never> {
  return {
    outcome: {
      outcome: 'declined',
      code:
        charge?.declineCode ??
        error?.declineCode ??
        error?.decline_code ??
        error?.code ??
        `http_${exchange.status}`,
      reason: error?.message ?? `The gateway answered ${exchange.status}`,
      httpStatus: exchange.status,
    },
    ...(transactionId === undefined ? {} : { transactionId }),
  };
}

/** A 2xx whose body does not say what happened: the gateway acted, we cannot tell how. */
const UNREADABLE: FinalAnswer<never> = {
  outcome: { outcome: 'unknown', reason: 'unreadable_response' },
};

function interpretCharge(exchange: HttpExchange): FinalAnswer<GatewayCharge> {
  if (exchange.status >= 400) {
    // A refused charge may name the declined charge: the transaction this attempt produced.
    const refusal = readRefusal(exchange.body);
    return declined(exchange, refusal, refusal.charge?.id);
  }
  const charge = readCharge(exchange.body);
  if (charge === undefined) return UNREADABLE;
  if (charge.status === 'declined') {
    return {
      outcome: {
        outcome: 'declined',
        code: charge.declineCode ?? 'card_declined',
        reason: 'The gateway declined the charge',
        httpStatus: exchange.status,
      },
      transactionId: charge.id,
    };
  }
  return {
    outcome: { outcome: 'succeeded', value: charge, httpStatus: exchange.status },
    transactionId: charge.id,
  };
}

function interpretRefund(exchange: HttpExchange): FinalAnswer<GatewayRefund> {
  if (exchange.status >= 400) return declined(exchange, readRefusal(exchange.body));
  const refund = readRefund(exchange.body);
  if (refund === undefined) return UNREADABLE;
  // The gateway's refund id is the transaction this attempt produced.
  return {
    outcome: { outcome: 'succeeded', value: refund, httpStatus: exchange.status },
    transactionId: refund.id,
  };
}

function interpretChargeList(exchange: HttpExchange): FinalAnswer<GatewayCharge | undefined> {
  if (exchange.status >= 400) return declined(exchange, readRefusal(exchange.body));
  const data = readChargeList(exchange.body);
  if (data === undefined) return UNREADABLE;
  if (data.length === 0) {
    return { outcome: { outcome: 'succeeded', value: undefined, httpStatus: exchange.status } };
  }
  // Newest first: the latest charge is the one that decides the payment.
  const charge = readCharge(data[0]);
  if (charge === undefined) return UNREADABLE;
  return { outcome: { outcome: 'succeeded', value: charge, httpStatus: exchange.status } };
}

const judgeCharge = judgeBy(interpretCharge);
const judgeRefund = judgeBy(interpretRefund);
const judgeChargeList = judgeBy(interpretChargeList);
