import type { GatewayAttemptOutcome } from '@ledger/ledger';
import { TaskCancelledError, isBrokenCircuitError, isBulkheadRejectedError } from 'cockatiel';
import { GatewayNetworkError, InvalidGatewayOptionsError } from './gateway.errors';
import {
  type AttemptProgress,
  type HttpExchange,
  type ResilienceOptions,
  GatewayResilience,
  RetryScheduledError,
  planRetry,
  resolveResilienceOptions,
} from './http/resilience.policy';
import { parseRetryAfter } from './http/retry-after';
import type { AttemptRecord, CallContext, GatewayOutcome } from './payment-gateway.port';

/** An answer the operation ends on; `transactionId` goes on the attempt record. */
export interface FinalAnswer<T> {
  outcome: GatewayOutcome<T>;
  transactionId?: string;
}

/** What one answer means: the operation ends on it, or another attempt is worth it. */
export type AnswerVerdict<T> =
  { kind: 'final'; final: FinalAnswer<T> } | { kind: 'retry'; cause: string };

/** Reads one answer of an operation; the adapter's own knowledge of its gateway. */
export type JudgeAnswer<T> = (exchange: HttpExchange) => AnswerVerdict<T>;

/** A call as an adapter describes it; `method` and `path` are what the attempt record shows. */
export interface GuardedCall {
  method: 'GET' | 'POST';
  path: string;
}

/** How one attempt ended, before deciding what it means for the operation. */
export type Observation =
  | { kind: 'response'; exchange: HttpExchange }
  | { kind: 'timeout' | 'network_error' | 'circuit_open' | 'bulkhead_rejected' };

/** What a gateway adapter hands to {@link GuardedAttempts}. */
export interface GuardedAttemptsOptions<C extends GuardedCall> {
  /** Sends one attempt of `call`; must end (reject) once `signal` aborts. */
  send: (call: C, signal: AbortSignal) => Promise<HttpExchange>;
  /** The response header (lower-case) that carries the gateway's request id. */
  requestIdHeader: string;
  /** Epoch milliseconds; default `Date.now`. */
  now?: () => number;
  /** In [0, 1), for the backoff's jitter; default `Math.random`. */
  random?: () => number;
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

/**
 * The attempt loop both gateway adapters share: each attempt runs through the resilience guards
 * within what is left of the operation's deadline, is recorded (`context.onAttempt`) before the
 * next starts, and is retried as the answer's verdict and the retry plan say. The adapter keeps
 * how a call is sent and what an answer means.
 */
export class GuardedAttempts<C extends GuardedCall> {
  /** The adapter's policies, composed once so the breaker and the bulkhead see every call. */
  readonly resilience: GatewayResilience;
  private readonly send: GuardedAttemptsOptions<C>['send'];
  private readonly requestIdHeader: string;
  private readonly now: () => number;
  private readonly random: () => number;

  /** `policy`: the adapter's resilience options, defaults filled in (or refused) here. */
  constructor(policy: Partial<ResilienceOptions>, options: GuardedAttemptsOptions<C>) {
    this.resilience = new GatewayResilience(resolveResilienceOptions(policy));
    this.send = options.send;
    this.requestIdHeader = options.requestIdHeader;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** One operation: attempts under the retry policy, each recorded before the next starts. */
  run<T>(
    call: C,
    context: CallContext | undefined,
    judge: JudgeAnswer<T>,
  ): Promise<GatewayOutcome<T>> {
    const { resilience, now, random } = this;
    const policy = resilience.options;
    const operationStart = now();
    const deadlineAt = operationStart + policy.deadlineMs;
    // Whether any attempt so far may have reached the gateway: then money may have moved, and a
    // later refusal can no longer be reported as "not attempted".
    let sentAny = false;
    return resilience.retry.execute(async ({ attempt: retries }) => {
      const attempt = retries + 1;
      const attemptStart = now();
      const progress: AttemptProgress = { admitted: false, sent: false };
      const observation = await this.attempt(call, deadlineAt, progress);
      sentAny ||= progress.sent;
      const durationMs = Math.max(0, Math.round(now() - attemptStart));
      const facts: AttemptFacts = { attempt, attemptStart, durationMs };

      if (observation.kind === 'circuit_open' || observation.kind === 'bulkhead_rejected') {
        // Refusals are never retried: the breaker or bulkhead would very likely refuse again.
        await this.record(call, context, facts, observation.kind);
        return sentAny
          ? { outcome: 'unknown', reason: observation.kind }
          : {
              outcome: 'not_attempted',
              reason: observation.kind,
              ...(observation.kind === 'circuit_open' && {
                retryAfterMs: resilience.halfOpenInMs(),
              }),
            };
      }

      const exchange = observation.kind === 'response' ? observation.exchange : undefined;
      facts.exchange = exchange;
      const verdict = exchange === undefined ? undefined : judge(exchange);
      if (exchange !== undefined && verdict?.kind === 'final') {
        const succeeded = exchange.status >= 200 && exchange.status < 300;
        facts.transactionId = verdict.final.transactionId;
        await this.record(call, context, facts, succeeded ? 'succeeded' : 'http_error');
        return verdict.final.outcome;
      }

      // A retryable failure: a timeout, a network error, or an answer the verdict retries.
      const cause = verdict?.kind === 'retry' ? verdict.cause : observation.kind;
      const retryAfterMs =
        exchange === undefined
          ? undefined
          : parseRetryAfter(headerValue(exchange, 'retry-after') ?? null, now());
      const plan = planRetry(
        { attempt, elapsedMs: now() - operationStart, retryAfterMs },
        policy,
        random,
      );
      const outcome: GatewayAttemptOutcome =
        exchange === undefined ? (observation.kind as 'timeout' | 'network_error') : 'http_error';
      if (plan.retry) facts.nextDelayMs = plan.delayMs;
      await this.record(call, context, facts, outcome);
      if (plan.retry) throw new RetryScheduledError(plan.delayMs);
      // Never `declined`: something may have reached the gateway, and only it knows what it did.
      // After 429s only, nothing was charged, and a reconcile will find no charge.
      return { outcome: 'unknown', reason: cause };
    });
  }

  /** Runs one attempt through the guards and classifies how it ended; never throws for I/O. */
  private attempt(call: C, deadlineAt: number, progress: AttemptProgress): Promise<Observation> {
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

  /** Hands the attempt's record to `context.onAttempt` (reads are not recorded). */
  private record(
    call: C,
    context: CallContext | undefined,
    facts: AttemptFacts,
    outcome: GatewayAttemptOutcome,
  ): Promise<void> {
    if (context === undefined) return Promise.resolve();
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
      const requestId = headerValue(facts.exchange, this.requestIdHeader);
      if (requestId !== undefined && requestId !== '') record.gatewayRequestId = requestId;
    }
    if (facts.transactionId !== undefined) record.gatewayTransactionId = facts.transactionId;
    if (facts.nextDelayMs !== undefined) record.nextDelayMs = facts.nextDelayMs;
    return context.onAttempt(record);
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

/** A response header (lower-case name); repeated ones joined as one field, as RFC 9110 allows. */
function headerValue(exchange: HttpExchange, name: string): string | undefined {
  const value = exchange.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The base URL of a gateway account, refused unless it is an absolute http(s) URL. */
export function parseBaseUrl(baseUrl: string): URL {
  try {
    const url = new URL(baseUrl);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw new InvalidGatewayOptionsError(['baseUrl must be an absolute http(s) URL']);
}
