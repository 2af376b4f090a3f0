import type { GatewayAttemptOutcome } from '@ledger/ledger';
import { TaskCancelledError, isBrokenCircuitError, isBulkheadRejectedError } from 'cockatiel';
import { Agent, type Dispatcher, request } from 'undici';
import {
  GatewayClientClosedError,
  GatewayNetworkError,
  InvalidGatewayOptionsError,
} from '../gateway.errors';
import type {
  AttemptRecord,
  CallContext,
  ChargeRequest,
  GatewayCharge,
  GatewayCircuitState,
  GatewayOutcome,
  GatewayRefund,
  PaymentGateway,
  RefundRequest,
} from '../payment-gateway.port';
import {
  type AttemptProgress,
  type HttpExchange,
  type ResilienceOptions,
  GatewayResilience,
  RetryScheduledError,
  planRetry,
  resolveResilienceOptions,
} from './resilience.policy';
import {
  readCharge,
  readChargeList,
  readRefund,
  readRefusal,
  type GatewayRefusal,
} from './gateway-responses';
import { parseRetryAfter } from './retry-after';

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

/** What one attempt's record is built from. */
interface AttemptFacts {
  attempt: number;
  attemptStart: number;
  durationMs: number;
  exchange?: HttpExchange;
  transactionId?: string;
  nextDelayMs?: number;
}

/** How one attempt ended, before deciding what it means for the operation. */
export type Observation =
  | { kind: 'response'; exchange: HttpExchange }
  | { kind: 'timeout' | 'network_error' | 'circuit_open' | 'bulkhead_rejected' };

/** An answer the operation ends on; `transactionId` goes on the attempt record. */
interface Final<T> {
  outcome: GatewayOutcome<T>;
  transactionId?: string;
}

/** Reads an operation's answer out of a response that is neither retryable nor a server error. */
type Interpret<T> = (exchange: HttpExchange) => Final<T>;

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
  private readonly resilience: GatewayResilience;
  /** Keep-alive connections to this gateway. */
  private readonly pool: Agent;
  private closing?: Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(options: HttpPaymentGatewayOptions) {
    const { baseUrl, apiKey, now, random, ...resilience } = options;
    const url = parseBaseUrl(baseUrl);
    this.base = url.origin + url.pathname.replace(/\/$/, '');
    if (typeof apiKey !== 'string' || apiKey.length === 0) {
      throw new InvalidGatewayOptionsError(['apiKey must be a non-empty string']);
    }
    this.#authorization = `Bearer ${apiKey}`;
    this.resilience = new GatewayResilience(resolveResilienceOptions(resilience));
    // No connection attempt outlives the attempt that needed it (undici's default is 10 s).
    this.pool = new Agent({ connect: { timeout: this.resilience.options.attemptTimeoutMs } });
    this.now = now ?? Date.now;
    this.random = random ?? Math.random;
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
    return this.run(call, context, interpretCharge);
  }

  /** Refunds (part of) a charge; see {@link PaymentGateway.refund}. */
  refund(request: RefundRequest, context: CallContext): Promise<GatewayOutcome<GatewayRefund>> {
    const call: HttpCall = {
      method: 'POST',
      path: `/v1/charges/${encodeURIComponent(request.chargeId)}/refunds`,
      body: { refundId: request.refundId, amount: request.amount, paymentId: request.paymentId },
      idempotencyKey: context.idempotencyKey,
    };
    return this.run(call, context, interpretRefund);
  }

  /** The newest gateway charge for one of our payment ids; reads retry like writes, unrecorded. */
  findCharge(paymentId: string): Promise<GatewayOutcome<GatewayCharge | undefined>> {
    const call: HttpCall = {
      method: 'GET',
      path: '/v1/charges',
      query: new URLSearchParams({ paymentId }),
    };
    return this.run(call, undefined, interpretChargeList);
  }

  /** The circuit breaker's current state. */
  circuitState(): GatewayCircuitState {
    return this.resilience.circuitState();
  }

  /**
   * Closes the connection pool once calls in flight are done; a later call rejects with
   * {@link GatewayClientClosedError}.
   */
  close(): Promise<void> {
    this.closing ??= this.pool.close();
    return this.closing;
  }

  /** One operation: attempts under the retry policy, each recorded before the next starts. */
  private run<T>(
    call: HttpCall,
    context: CallContext | undefined,
    interpret: Interpret<T>,
  ): Promise<GatewayOutcome<T>> {
    const { options } = this.resilience;
    const operationStart = this.now();
    const deadlineAt = operationStart + options.deadlineMs;
    // Whether any attempt so far may have reached the gateway: then money may have moved, and a
    // later refusal can no longer be reported as "not attempted".
    let sentAny = false;
    return this.resilience.retry.execute(async ({ attempt: retries }) => {
      const attempt = retries + 1;
      const attemptStart = this.now();
      const progress: AttemptProgress = { admitted: false, sent: false };
      const observation = await this.attempt(call, deadlineAt, progress);
      sentAny ||= progress.sent;
      const durationMs = Math.max(0, Math.round(this.now() - attemptStart));
      const facts: AttemptFacts = { attempt, attemptStart, durationMs };

      if (observation.kind === 'circuit_open' || observation.kind === 'bulkhead_rejected') {
        // Refusals are never retried: the breaker or bulkhead would very likely refuse again.
        await this.record(call, context, facts, observation.kind);
        return sentAny
          ? { outcome: 'unknown', reason: observation.kind }
          : { outcome: 'not_attempted', reason: observation.kind };
      }

      const exchange = observation.kind === 'response' ? observation.exchange : undefined;
      if (exchange !== undefined && !isRetryableStatus(exchange.status)) {
        const final: Final<T> = isUnexpectedStatus(exchange.status)
          ? { outcome: { outcome: 'unknown', reason: `http_${exchange.status}` } }
          : interpret(exchange);
        const succeeded = exchange.status >= 200 && exchange.status < 300;
        facts.exchange = exchange;
        facts.transactionId = final.transactionId;
        await this.record(call, context, facts, succeeded ? 'succeeded' : 'http_error');
        return final.outcome;
      }

      // A retryable failure: a timeout, a network error, or 408/409/425/429/5xx.
      const cause = exchange === undefined ? observation.kind : retryCause(exchange.status);
      const retryAfterMs =
        exchange === undefined
          ? undefined
          : parseRetryAfter(headerValue(exchange, 'retry-after') ?? null, this.now());
      const plan = planRetry(
        { attempt, elapsedMs: this.now() - operationStart, retryAfterMs },
        options,
        this.random,
      );
      const outcome: GatewayAttemptOutcome =
        exchange === undefined ? (observation.kind as 'timeout' | 'network_error') : 'http_error';
      facts.exchange = exchange;
      if (plan.retry) facts.nextDelayMs = plan.delayMs;
      await this.record(call, context, facts, outcome);
      if (plan.retry) throw new RetryScheduledError(plan.delayMs);
      // Never `declined`: something may have reached the gateway, and only it knows what it did.
      // After 429s only, nothing was charged, and a reconcile will find no charge.
      return { outcome: 'unknown', reason: cause };
    });
  }

  /** Hands the attempt's record to `context.onAttempt` (reads are not recorded). */
  private record(
    call: HttpCall,
    context: CallContext | undefined,
    facts: AttemptFacts,
    outcome: GatewayAttemptOutcome,
  ): Promise<void> {
    return context === undefined
      ? Promise.resolve()
      : context.onAttempt(this.buildRecord(call, context, facts, outcome));
  }

  /** Runs one attempt through the guards and classifies how it ended; never throws for I/O. */
  private attempt(
    call: HttpCall,
    deadlineAt: number,
    progress: AttemptProgress,
  ): Promise<Observation> {
    const budgetMs = deadlineAt - this.now();
    // Only possible when recording the previous attempt ate the budget: nothing is sent.
    if (budgetMs <= 0) return Promise.resolve({ kind: 'timeout' });
    return this.resilience
      .guard((signal) => this.send(call, signal), budgetMs, progress)
      .then(
        (exchange): Observation => ({ kind: 'response', exchange }),
        (error: unknown) => classifyFailure(error, progress),
      );
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

  private buildRecord(
    call: HttpCall,
    context: CallContext,
    facts: AttemptFacts,
    outcome: GatewayAttemptOutcome,
  ): AttemptRecord {
    // Built member by member: method and path only (no query, no headers, no key, no card data).
    const record: AttemptRecord = {
      operation: context.operation,
      attempt: facts.attempt,
      idempotencyKey: context.idempotencyKey,
      method: call.method,
      path: call.path,
      startedAt: new Date(facts.attemptStart).toISOString(),
      durationMs: facts.durationMs,
      outcome,
      // Read after the attempt, so a record shows the failure that opened the circuit as `open`.
      breakerState: this.resilience.circuitState(),
    };
    if (context.refundId !== undefined) record.refundId = context.refundId;
    if (facts.exchange !== undefined) {
      record.httpStatus = facts.exchange.status;
      const requestId = headerValue(facts.exchange, 'x-request-id');
      if (requestId !== undefined && requestId !== '') record.gatewayRequestId = requestId;
    }
    if (facts.transactionId !== undefined) record.gatewayTransactionId = facts.transactionId;
    if (facts.nextDelayMs !== undefined) record.nextDelayMs = facts.nextDelayMs;
    return record;
  }
}

/** How an attempt that threw ended; rethrows what is not an I/O outcome. */
export function classifyFailure(error: unknown, progress: AttemptProgress): Observation {
  if (isBrokenCircuitError(error)) return { kind: 'circuit_open' };
  if (isBulkheadRejectedError(error)) return { kind: 'bulkhead_rejected' };
  // instanceof, not cockatiel's isTaskCancelledError: in 3.2.1 that helper tests for the
  // bulkhead's marker property and never matches a cancellation.
  if (error instanceof TaskCancelledError) {
    if (progress.sent) return { kind: 'timeout' };
    // Cancelled by the deadline before being sent: still queued for a bulkhead slot, or
    // waiting behind the half-open breaker's probe.
    return { kind: progress.admitted ? 'circuit_open' : 'bulkhead_rejected' };
  }
  if (error instanceof GatewayNetworkError) return { kind: 'network_error' };
  throw error;
}

function parseBaseUrl(baseUrl: string): URL {
  try {
    const url = new URL(baseUrl);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw new InvalidGatewayOptionsError(['baseUrl must be an absolute http(s) URL']);
}

function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status) || status >= 500;
}

/** 1xx/3xx: no definitive answer, and nothing to retry either. */
function isUnexpectedStatus(status: number): boolean {
  return status < 200 || (status >= 300 && status < 400);
}

function retryCause(status: number): string {
  return status === 429 ? 'rate_limited' : `http_${status}`;
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

/** A response header (lower-case name); repeated ones joined as one field, as RFC 9110 allows. */
function headerValue(exchange: HttpExchange, name: string): string | undefined {
  const value = exchange.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
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
): Final<never> {
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
const UNREADABLE: Final<never> = { outcome: { outcome: 'unknown', reason: 'unreadable_response' } };

function interpretCharge(exchange: HttpExchange): Final<GatewayCharge> {
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

function interpretRefund(exchange: HttpExchange): Final<GatewayRefund> {
  if (exchange.status >= 400) return declined(exchange, readRefusal(exchange.body));
  const refund = readRefund(exchange.body);
  if (refund === undefined) return UNREADABLE;
  // The gateway's refund id is the transaction this attempt produced.
  return {
    outcome: { outcome: 'succeeded', value: refund, httpStatus: exchange.status },
    transactionId: refund.id,
  };
}

function interpretChargeList(exchange: HttpExchange): Final<GatewayCharge | undefined> {
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
