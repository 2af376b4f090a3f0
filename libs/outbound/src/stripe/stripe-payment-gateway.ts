import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { STRIPE_METADATA } from '@ledger/ledger';
import { TaskCancelledError } from 'cockatiel';
import Stripe from 'stripe';
import {
  GatewayClientClosedError,
  GatewayNetworkError,
  InvalidGatewayOptionsError,
} from '../gateway.errors';
import { type JudgeAnswer, GuardedAttempts, parseBaseUrl } from '../guarded-attempts';
import type { HttpExchange, ResilienceOptions } from '../http/resilience.policy';
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
import {
  type StripeErrorBody,
  readConfirmedIntent,
  readIntentSearch,
  readRefund,
  stripeVerdict,
} from './stripe-answers';

/** Stripe's own API, where a `stripe` account goes without a `baseUrl`. */
export const STRIPE_DEFAULT_BASE_URL = 'https://api.stripe.com';

/** The test PaymentMethod a test-mode account confirms with when none is configured. */
export const STRIPE_TEST_PAYMENT_METHOD = 'pm_card_visa';

/** Configuration of the Stripe adapter; resilience options default as for the HTTP adapter. */
export interface StripePaymentGatewayOptions extends Partial<ResilienceOptions> {
  /** A secret or restricted key; never recorded, logged or put in an error. */
  apiKey: string;
  /** Default https://api.stripe.com; the sandbox's URL to use its Stripe mode. Only host, port and protocol count. */
  baseUrl?: string;
  /** The ledger tenant this account belongs to, put on every object's metadata. */
  tenantId: string;
  /**
   * The PaymentMethod every PaymentIntent is confirmed with (the ledger's payments API carries
   * none yet). Default with a test key: `pm_card_visa`; required with a live key.
   */
  paymentMethod?: string;
  /** Epoch milliseconds; injectable so records and deadlines can be made deterministic. */
  now?: () => number;
  /** In [0, 1); injectable to make the jitter deterministic. */
  random?: () => number;
}

/** One Stripe call as the adapter describes it; `path` is what the attempt record shows. */
interface StripeCall {
  method: 'GET' | 'POST';
  path: string;
  /** The SDK call itself. */
  invoke: (stripe: Stripe) => Promise<{ lastResponse: StripeLastResponse }>;
}

interface StripeLastResponse {
  statusCode: number;
  headers: Record<string, string>;
}

/**
 * The `PaymentGateway` for Stripe, through the official `stripe` SDK: payments are PaymentIntents
 * created and confirmed in one call, refunds are Refunds, reconcile searches PaymentIntents by the
 * ledger's payment id in their metadata. The SDK's own retries are off: the same cockatiel
 * policies as the HTTP adapter's (timeout, deadline, retry, breaker, bulkhead) are the one
 * resilience layer, and every attempt of a payment or refund is handed to `context.onAttempt`
 * with Stripe's `Request-Id`.
 *
 * @debt The SDK sends a request once more by itself when its connection was closed
 * (`ECONNRESET`/`EPIPE`) even with retries off, under the same Idempotency-Key (so money still
 * moves once); that repeat is inside one recorded attempt.
 */
export class StripePaymentGateway implements PaymentGateway {
  private readonly stripe: Stripe;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly tenantId: string;
  private readonly paymentMethod: string;
  private readonly attempts: GuardedAttempts<StripeCall>;
  private closed = false;

  constructor(options: StripePaymentGatewayOptions) {
    const { apiKey, baseUrl, tenantId, paymentMethod, now, random, ...resilience } = options;
    if (typeof apiKey !== 'string' || apiKey.length === 0) {
      throw new InvalidGatewayOptionsError(['apiKey must be a non-empty string']);
    }
    const testKey = /^(sk|rk)_test_/.test(apiKey);
    if (paymentMethod === undefined && !testKey) {
      throw new InvalidGatewayOptionsError([
        'a live Stripe key needs gateway.paymentMethod (test keys default to pm_card_visa)',
      ]);
    }
    this.paymentMethod = paymentMethod ?? STRIPE_TEST_PAYMENT_METHOD;
    this.tenantId = tenantId;
    const url = parseBaseUrl(baseUrl ?? STRIPE_DEFAULT_BASE_URL);
    this.attempts = new GuardedAttempts<StripeCall>(resilience, {
      send: (call, signal) => this.send(call, signal),
      requestIdHeader: 'request-id',
      now,
      random,
    });
    const https = url.protocol === 'https:';
    // Our own keep-alive pool, so close() can end it and no other client shares it.
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.stripe = new Stripe(apiKey, {
      host: url.hostname,
      port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
      protocol: https ? 'https' : 'http',
      maxNetworkRetries: 0,
      // The attempt's timeout ends the socket too (the policy's own timeout ends the wait).
      timeout: this.attempts.resilience.options.attemptTimeoutMs,
      httpAgent: this.agent,
      telemetry: false,
      appInfo: { name: 'integration-ledger' },
    });
  }

  /** Creates and confirms a PaymentIntent once per idempotency key; see {@link PaymentGateway.charge}. */
  charge(request: ChargeRequest, context: CallContext): Promise<GatewayOutcome<GatewayCharge>> {
    const params: Stripe.PaymentIntentCreateParams = {
      amount: request.amount,
      currency: request.currency.toLowerCase(),
      confirm: true,
      payment_method: this.paymentMethod,
      // Server-side confirmation: no redirect-based method, and 3-D Secure fails rather than waits.
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      error_on_requires_action: true,
      metadata: {
        [STRIPE_METADATA.paymentId]: request.paymentId,
        [STRIPE_METADATA.tenantId]: this.tenantId,
      },
      ...(request.description !== undefined && { description: request.description }),
    };
    const call: StripeCall = {
      method: 'POST',
      path: '/v1/payment_intents',
      invoke: (stripe) =>
        stripe.paymentIntents.create(params, { idempotencyKey: context.idempotencyKey }),
    };
    return this.run(call, context, judgeIntent);
  }

  /** Refunds (part of) a PaymentIntent; see {@link PaymentGateway.refund}. */
  refund(request: RefundRequest, context: CallContext): Promise<GatewayOutcome<GatewayRefund>> {
    const params: Stripe.RefundCreateParams = {
      // The gateway transaction the ledger recorded for a Stripe payment is its PaymentIntent.
      payment_intent: request.chargeId,
      amount: request.amount,
      metadata: {
        [STRIPE_METADATA.paymentId]: request.paymentId,
        [STRIPE_METADATA.tenantId]: this.tenantId,
        [STRIPE_METADATA.refundId]: request.refundId,
      },
    };
    const call: StripeCall = {
      method: 'POST',
      path: '/v1/refunds',
      invoke: (stripe) => stripe.refunds.create(params, { idempotencyKey: context.idempotencyKey }),
    };
    return this.run(call, context, judgeRefund);
  }

  /**
   * The newest PaymentIntent of one of our payment ids, found by search on its metadata; reads
   * retry like writes, unrecorded. Stripe's search index can lag a new intent by a short while
   * (its documentation says under a minute): a reconcile right after a lost answer may find none
   * yet, and then charges again under the same Idempotency-Key, which Stripe replays.
   */
  findCharge(paymentId: string): Promise<GatewayOutcome<GatewayCharge | undefined>> {
    const query =
      `metadata['${STRIPE_METADATA.paymentId}']:'${searchLiteral(paymentId)}' AND ` +
      `metadata['${STRIPE_METADATA.tenantId}']:'${searchLiteral(this.tenantId)}'`;
    const call: StripeCall = {
      method: 'GET',
      path: '/v1/payment_intents/search',
      invoke: (stripe) => stripe.paymentIntents.search({ query, limit: 10 }),
    };
    return this.run(call, undefined, judgeIntentSearch);
  }

  /** The circuit breaker's current state. */
  circuitState(): GatewayCircuitState {
    return this.attempts.resilience.circuitState();
  }

  /** Ends the connection pool; a later call rejects with {@link GatewayClientClosedError}. */
  close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
    return Promise.resolve();
  }

  /** One operation through the shared attempt loop; refused at once once closed. */
  private run<T>(
    call: StripeCall,
    context: CallContext | undefined,
    judge: JudgeAnswer<T>,
  ): Promise<GatewayOutcome<T>> {
    if (this.closed) return Promise.reject(new GatewayClientClosedError());
    return this.attempts.run(call, context, judge);
  }

  /**
   * The SDK call, reduced to one HTTP answer whatever its status (so the breaker sees 5xx as the
   * HTTP adapter's does). The SDK takes no abort signal: the wait ends on the signal, and the
   * request itself at the SDK's timeout (the same attempt timeout).
   */
  private async send(call: StripeCall, signal: AbortSignal): Promise<HttpExchange> {
    if (this.closed) throw new GatewayClientClosedError();
    try {
      const result = await untilAborted(call.invoke(this.stripe), signal);
      const { statusCode, headers } = result.lastResponse;
      return { status: statusCode, headers, body: result };
    } catch (error) {
      if (signal.aborted) throw new TaskCancelledError('The attempt was cut short by its timeout');
      return exchangeOfStripeError(error);
    }
  }
}

/**
 * An SDK error as one HTTP answer: an error Stripe answered becomes its status, headers and
 * `{ error }` body; a connection error that timed out becomes a cancellation (a timeout), any
 * other a network error. Anything else is a bug and is rethrown.
 */
export function exchangeOfStripeError(error: unknown): HttpExchange {
  if (error instanceof Stripe.errors.StripeConnectionError) {
    if (isTimeout(error)) throw new TaskCancelledError('The Stripe request timed out');
    throw new GatewayNetworkError(connectionCode(error));
  }
  if (error instanceof Stripe.errors.StripeError && typeof error.statusCode === 'number') {
    const body: StripeErrorBody = {
      // The SDK fills absent members with '' on some classes (a card error's decline_code).
      ...(nonEmpty(error.rawType) && { type: error.rawType }),
      ...(nonEmpty(error.code) && { code: error.code }),
      ...(nonEmpty(error.decline_code) && { decline_code: error.decline_code }),
      message: error.message,
      ...(error.payment_intent?.id !== undefined && { payment_intent_id: error.payment_intent.id }),
    };
    return {
      status: error.statusCode,
      headers: {
        ...error.headers,
        ...(error.requestId !== undefined && { 'request-id': error.requestId }),
      },
      body: { error: body },
    };
  }
  throw error;
}

function nonEmpty(value: string | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

function isTimeout(error: Stripe.errors.StripeConnectionError): boolean {
  const detail = error.detail as { code?: unknown } | undefined;
  return detail?.code === 'ETIMEDOUT' || /timeout/i.test(error.message);
}

function connectionCode(error: Stripe.errors.StripeConnectionError): string {
  const detail = error.detail as { code?: unknown } | undefined;
  return typeof detail?.code === 'string' ? detail.code : 'request_failed';
}

/** `work`, or a cancellation as soon as `signal` aborts (the SDK cannot be told to stop). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new TaskCancelledError('The attempt was cut short by its timeout'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new TaskCancelledError('The attempt was cut short by its timeout'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new GatewayNetworkError('request_failed'));
      },
    );
  });
}

/** A value inside a search query's single quotes. */
function searchLiteral(value: string): string {
  return value.replace(/['\\]/g, (character) => `\\${character}`);
}

const judgeIntent: JudgeAnswer<GatewayCharge> = (exchange) =>
  stripeVerdict(exchange, readConfirmedIntent);
const judgeRefund: JudgeAnswer<GatewayRefund> = (exchange) => stripeVerdict(exchange, readRefund);
const judgeIntentSearch: JudgeAnswer<GatewayCharge | undefined> = (exchange) =>
  stripeVerdict(exchange, readIntentSearch);
