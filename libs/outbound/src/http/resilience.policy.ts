import type { BreakerState } from '@ledger/ledger';
import {
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
  type TimeoutPolicy,
  CircuitState,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleType,
  retry,
  timeout,
} from 'cockatiel';
import { LedgerError } from '@ledger/errors';
import { GatewayNetworkError, InvalidGatewayOptionsError } from '../gateway.errors';

/**
 * The resilience knobs of one gateway client. Every duration is in milliseconds.
 *
 * `deadlineMs` bounds one whole operation (all attempts, backoffs and bulkhead queueing). Keep it
 * below the timeout of whatever runs the call (Lambda function / API Gateway integration, 29 s at
 * most) with room left to record the outcome; otherwise the runtime can kill the process mid-call
 * and the ledger never learns the attempt's end.
 */
export interface ResilienceOptions {
  /** Per-attempt timeout; the request is really aborted (its socket closed). Default 2,000. */
  attemptTimeoutMs: number;
  /** Overall deadline of one operation; no retry starts that could not finish before it. Default 8,000. */
  deadlineMs: number;
  /** Attempts per operation, the first included. Default 4. */
  maxAttempts: number;
  /** Full-jitter backoff: the retry after attempt n waits random(0, min(cap, base * 2^(n-1))). Default 100. */
  baseDelayMs: number;
  /** Ceiling of the computed backoff (not of a gateway's Retry-After). Default 2,000. */
  capMs: number;
  /** Consecutive breaker-counted failures (5xx, timeouts, network errors) that open the circuit. Default 5. */
  breakerThreshold: number;
  /** How long the circuit stays open before one half-open probe is let through. Default 5,000. */
  halfOpenAfterMs: number;
  /** Concurrent calls in flight to this gateway. Default 10. */
  maxConcurrent: number;
  /** Calls waiting for a slot; beyond it a call is rejected at once. Default 20. */
  maxQueued: number;
}

/** The defaults; see {@link ResilienceOptions} for what each one means. */
export const DEFAULT_RESILIENCE_OPTIONS: Readonly<ResilienceOptions> = Object.freeze({
  attemptTimeoutMs: 2_000,
  deadlineMs: 8_000,
  maxAttempts: 4,
  baseDelayMs: 100,
  capMs: 2_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 5_000,
  maxConcurrent: 10,
  maxQueued: 20,
});

/** Fills in defaults and refuses options that would make the policy meaningless. */
export function resolveResilienceOptions(
  overrides: Partial<ResilienceOptions> = {},
): ResilienceOptions {
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  ) as Partial<ResilienceOptions>;
  const options: ResilienceOptions = { ...DEFAULT_RESILIENCE_OPTIONS, ...defined };
  const problems: string[] = [];
  const positive: (keyof ResilienceOptions)[] = [
    'attemptTimeoutMs',
    'deadlineMs',
    'maxAttempts',
    'capMs',
    'breakerThreshold',
    'halfOpenAfterMs',
    'maxConcurrent',
  ];
  for (const key of positive) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1) {
      problems.push(`${key} must be a positive integer`);
    }
  }
  for (const key of ['baseDelayMs', 'maxQueued'] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 0) {
      problems.push(`${key} must be a non-negative integer`);
    }
  }
  if (options.attemptTimeoutMs > options.deadlineMs) {
    problems.push('attemptTimeoutMs must not exceed deadlineMs');
  }
  if (problems.length > 0) throw new InvalidGatewayOptionsError(problems);
  return options;
}

/** Full jitter: a uniformly random wait in [0, min(cap, base * 2^retryIndex)]. */
export function fullJitterDelayMs(
  retryIndex: number,
  options: Pick<ResilienceOptions, 'baseDelayMs' | 'capMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(options.capMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.round(random() * ceiling);
}

/** Whether (and after how long) to retry after a retryable failure. */
export type RetryPlan =
  { retry: true; delayMs: number } | { retry: false; why: 'max_attempts' | 'deadline' };

/**
 * Decides the retry after attempt `attempt` (1-based), INSIDE the attempt so the delay can be
 * recorded on it. A retry happens only if it could still finish (its delay plus a full attempt
 * timeout) before the operation's deadline. A gateway's Retry-After replaces the backoff.
 */
export function planRetry(
  input: { attempt: number; elapsedMs: number; retryAfterMs?: number },
  options: Pick<
    ResilienceOptions,
    'maxAttempts' | 'deadlineMs' | 'attemptTimeoutMs' | 'baseDelayMs' | 'capMs'
  >,
  random: () => number,
): RetryPlan {
  if (input.attempt >= options.maxAttempts) return { retry: false, why: 'max_attempts' };
  const delayMs = input.retryAfterMs ?? fullJitterDelayMs(input.attempt - 1, options, random);
  if (input.elapsedMs + delayMs + options.attemptTimeoutMs > options.deadlineMs) {
    return { retry: false, why: 'deadline' };
  }
  return { retry: true, delayMs };
}

/**
 * Thrown by an attempt to ask the retry policy for another one after `delayMs`. It is the only
 * thing the retry policy handles: every other outcome is final and returned as a value.
 */
export class RetryScheduledError extends LedgerError {
  readonly code = 'retry_scheduled';
  // Internal to the adapter, like GatewayNetworkError: it never reaches an answer.
  readonly status = 503;

  constructor(readonly delayMs: number) {
    super(`Retrying in ${delayMs} ms`);
  }
}

/** Feeds cockatiel's retry the delay the attempt already decided (and recorded). */
export class AttemptDecidedBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const { result } = context;
    const duration =
      'error' in result && result.error instanceof RetryScheduledError ? result.error.delayMs : 0;
    return { duration, next: (nextContext) => this.next(nextContext) };
  }
}

/** What the breaker-counted inner call returns: an HTTP answer, whatever its status. */
export interface HttpExchange {
  status: number;
  /** Response headers by lower-case name. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
}

/** How far one attempt got through the guards; decides what a cancellation means. */
export interface AttemptProgress {
  /** The bulkhead gave it a slot. */
  admitted: boolean;
  /** The request was handed to the network (the gateway may have seen it). */
  sent: boolean;
}

/** cockatiel's circuit states in the ledger's vocabulary. */
export function toBreakerState(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Isolated:
      return 'isolated';
  }
}

/**
 * The policies of one gateway, composed once per adapter instance so the breaker and the
 * bulkhead see every call. Outer to inner: retry -> (the attempt, recorded) -> bulkhead ->
 * circuit breaker -> timeout -> the HTTP request.
 */
export class GatewayResilience {
  /** Retries only what an attempt asked to retry, after the delay it chose. */
  readonly retry: RetryPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeout: TimeoutPolicy;
  /** When the breaker last opened (performance.now()): the half-open wait counts from there. */
  private openedAt: number | undefined;

  constructor(readonly options: ResilienceOptions) {
    // cockatiel counts retries, not attempts; the attempt itself stops earlier (see planRetry),
    // this is only the backstop.
    this.retry = retry(handleType(RetryScheduledError), {
      maxAttempts: options.maxAttempts - 1,
      backoff: new AttemptDecidedBackoff(),
    });
    this.bulkhead = bulkhead(options.maxConcurrent, options.maxQueued);
    // Consecutive rather than sampling: per process (per Lambda container) the volume to one
    // gateway is small and bursty, so a sampling window rarely reaches a meaningful minimum;
    // N failures in a row is a minimum volume by construction, and deterministic to test.
    // Only signs of an unhealthy gateway count: 5xx, timeouts, network errors. Declines and
    // other 4xx are healthy answers; 429 is the gateway shedding load on purpose, which
    // Retry-After already handles.
    this.breaker = circuitBreaker(
      handleType(GatewayNetworkError)
        .orType(TaskCancelledError)
        .orWhenResult((result) => isExchange(result) && result.status >= 500),
      {
        breaker: new ConsecutiveBreaker(options.breakerThreshold),
        halfOpenAfter: options.halfOpenAfterMs,
      },
    );
    // Only the time of opening is noted here; attempts are recorded inside the attempt.
    this.breaker.onBreak(() => {
      this.openedAt = performance.now();
    });
    // Cooperative: the timeout aborts the signal handed to the HTTP request, which ends it at any
    // stage (connecting, waiting, or reading a trickling body) and closes the socket; the attempt
    // then rejects with a cancellation. Aggressive would race every call against an
    // extra promise for nothing, since `send` already ends on the signal (see guard).
    // abortOnReturn off: by the time the attempt returns, its body has been read, so there is
    // nothing left to cancel; aborting anyway cost a DOMException and the HTTP client's abort
    // handling on every call (about a tenth of the client's CPU when it still used fetch).
    this.timeout = timeout(options.attemptTimeoutMs, {
      strategy: TimeoutStrategy.Cooperative,
      abortOnReturn: false,
    });
  }

  /** The breaker's current state. */
  circuitState(): BreakerState {
    return toBreakerState(this.breaker.state);
  }

  /**
   * While the breaker is open: how long until it lets a probe through (half-open), for a
   * caller's Retry-After. Undefined when it is not open.
   */
  halfOpenInMs(): number | undefined {
    if (this.breaker.state !== CircuitState.Open || this.openedAt === undefined) return undefined;
    return Math.max(0, this.openedAt + this.options.halfOpenAfterMs - performance.now());
  }

  /**
   * Runs `send` through bulkhead, breaker and timeout, within `budgetMs`: what is left of the
   * operation's deadline. `send` must end (reject) once its signal aborts, at any stage (the
   * adapter's send does). When the deadline cannot fall inside this attempt (a slot is free, the
   * circuit is closed and a whole attempt timeout fits in the budget) the timeout alone bounds
   * it, and nothing more is allocated on this hot path. Otherwise a deadline signal ends a wait
   * for a bulkhead slot, which cockatiel's queue would not notice by itself, and cancels a running
   * request through the timeout's derived signal.
   */
  guard(
    send: (signal: AbortSignal) => Promise<HttpExchange>,
    budgetMs: number,
    progress: AttemptProgress,
  ): Promise<HttpExchange> {
    const run = (deadline?: AbortSignal): Promise<HttpExchange> =>
      this.bulkhead.execute(() => {
        progress.admitted = true;
        // The breaker gets the deadline too: a call that waited behind a half-open probe past
        // its deadline is refused there, unsent and uncounted. The timeout gets it directly,
        // since the breaker does not pass a signal on to a call it lets through after a probe.
        return this.breaker.execute(
          () =>
            this.timeout.execute(({ signal }) => {
              progress.sent = true;
              return send(signal);
            }, deadline),
          deadline,
        );
      }, deadline);
    if (
      budgetMs >= this.options.attemptTimeoutMs &&
      this.bulkhead.executionSlots > 0 &&
      this.breaker.state === CircuitState.Closed
    ) {
      return run();
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), Math.max(0, budgetMs));
    const guarded = run(deadline.signal);
    return new Promise<HttpExchange>((resolve, reject) => {
      const onDeadline = () => {
        if (!progress.admitted) {
          reject(new TaskCancelledError('Operation deadline reached waiting for a bulkhead slot'));
        }
      };
      deadline.signal.addEventListener('abort', onDeadline, { once: true });
      // Settles once; a rejection arriving after the deadline one is simply ignored.
      void guarded.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        deadline.signal.removeEventListener('abort', onDeadline);
      });
    });
  }
}

function isExchange(value: unknown): value is HttpExchange {
  return typeof value === 'object' && value !== null && 'status' in value && 'headers' in value;
}
