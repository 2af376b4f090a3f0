import { CircuitState, TaskCancelledError } from 'cockatiel';
import { InvalidGatewayOptionsError } from '../gateway.errors';
import {
  AttemptDecidedBackoff,
  type AttemptProgress,
  DEFAULT_RESILIENCE_OPTIONS,
  GatewayResilience,
  type HttpExchange,
  RetryScheduledError,
  fullJitterDelayMs,
  planRetry,
  resolveResilienceOptions,
  toBreakerState,
} from './resilience.policy';

const OPTIONS = { ...DEFAULT_RESILIENCE_OPTIONS, baseDelayMs: 100, capMs: 2_000 };

/** Like the adapter's send to a gateway that never answers: it gives up when its signal aborts. */
function hangingRequest(signal: AbortSignal): Promise<HttpExchange> {
  return new Promise<HttpExchange>((_resolve, reject) =>
    signal.addEventListener('abort', () => reject(new TaskCancelledError('aborted'))),
  );
}

describe('fullJitterDelayMs', () => {
  describe('when the exponential ceiling is below the cap', () => {
    it('draws between 0 and base * 2^n', () => {
      expect(fullJitterDelayMs(0, OPTIONS, () => 0)).toBe(0);
      expect(fullJitterDelayMs(0, OPTIONS, () => 0.5)).toBe(50);
      expect(fullJitterDelayMs(3, OPTIONS, () => 0.5)).toBe(400);
    });
  });

  describe('when the exponential ceiling passes the cap', () => {
    it('draws between 0 and the cap', () => {
      expect(fullJitterDelayMs(10, OPTIONS, () => 0.5)).toBe(1_000);
      expect(fullJitterDelayMs(10, OPTIONS, () => 0.9999)).toBeLessThanOrEqual(2_000);
    });
  });
});

describe('planRetry', () => {
  describe('when attempts and time remain', () => {
    it('retries after the jittered backoff', () => {
      expect(planRetry({ attempt: 2, elapsedMs: 0 }, OPTIONS, () => 0.5)).toEqual({
        retry: true,
        delayMs: 100,
      });
    });

    it('uses the gateway Retry-After instead of the backoff, even above the cap', () => {
      expect(
        planRetry({ attempt: 1, elapsedMs: 0, retryAfterMs: 3_000 }, OPTIONS, () => 0.5),
      ).toEqual({ retry: true, delayMs: 3_000 });
    });
  });

  describe('when the last attempt has been made', () => {
    it('does not retry', () => {
      expect(planRetry({ attempt: 4, elapsedMs: 0 }, OPTIONS, () => 0.5)).toEqual({
        retry: false,
        why: 'max_attempts',
      });
    });
  });

  describe('when the retry could not finish before the deadline', () => {
    it('does not retry', () => {
      // 6,000 elapsed + 50 backoff + 2,000 attempt timeout > 8,000.
      expect(planRetry({ attempt: 1, elapsedMs: 6_000 }, OPTIONS, () => 0.5)).toEqual({
        retry: false,
        why: 'deadline',
      });
    });

    it('still retries when it fits exactly', () => {
      expect(planRetry({ attempt: 1, elapsedMs: 5_950 }, OPTIONS, () => 0.5)).toEqual({
        retry: true,
        delayMs: 50,
      });
    });
  });
});

describe('AttemptDecidedBackoff', () => {
  describe('when the attempt threw a RetryScheduledError', () => {
    it('waits the delay the attempt decided, on every retry', () => {
      const signal = new AbortController().signal;
      const backoff = new AttemptDecidedBackoff();

      const first = backoff.next({
        attempt: 1,
        signal,
        result: { error: new RetryScheduledError(40) },
      });
      const second = first.next({
        attempt: 2,
        signal,
        result: { error: new RetryScheduledError(7) },
      });

      expect([first.duration, second.duration]).toEqual([40, 7]);
    });
  });

  describe('when the failure carries no decision', () => {
    it('waits nothing', () => {
      const signal = new AbortController().signal;

      expect(
        new AttemptDecidedBackoff().next({ attempt: 1, signal, result: { value: 1 } }).duration,
      ).toBe(0);
    });
  });
});

describe('toBreakerState', () => {
  it('maps every cockatiel circuit state', () => {
    expect(
      [CircuitState.Closed, CircuitState.Open, CircuitState.HalfOpen, CircuitState.Isolated].map(
        toBreakerState,
      ),
    ).toEqual(['closed', 'open', 'half_open', 'isolated']);
  });
});

describe('resolveResilienceOptions', () => {
  describe('when nothing is overridden', () => {
    it('returns the documented defaults', () => {
      expect(resolveResilienceOptions()).toEqual({
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
    });
  });

  describe('when an override is undefined', () => {
    it('keeps the default', () => {
      expect(resolveResilienceOptions({ deadlineMs: undefined }).deadlineMs).toBe(8_000);
    });
  });

  describe('when options contradict each other or are out of range', () => {
    it('refuses them with every problem listed', () => {
      const attempt = () =>
        resolveResilienceOptions({ attemptTimeoutMs: 5_000, deadlineMs: 1_000, maxAttempts: 0 });

      expect(attempt).toThrow(InvalidGatewayOptionsError);
      expect(attempt).toThrow(
        /maxAttempts must be a positive integer.*attemptTimeoutMs must not exceed deadlineMs/,
      );
    });
  });
});

/** Settles a spy on `promise`, so a test can ask whether it has settled by a given fake time. */
function watch(promise: Promise<unknown>): { settled: boolean } {
  const watched = { settled: false };
  promise.then(
    () => (watched.settled = true),
    () => (watched.settled = true),
  );
  return watched;
}

describe('GatewayResilience.guard', () => {
  // Deadlines, timeouts and the breaker's half-open delay run on fake time: no test depends on
  // how fast a busy machine gets through a window of a few milliseconds.
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  describe('when the deadline passes while a call waits for a bulkhead slot', () => {
    it('gives up the wait without ever sending the queued call', async () => {
      const resilience = new GatewayResilience(
        resolveResilienceOptions({ maxConcurrent: 1, maxQueued: 1, attemptTimeoutMs: 1_000 }),
      );
      let releaseFirst!: (exchange: HttpExchange) => void;
      const firstProgress: AttemptProgress = { admitted: false, sent: false };
      const first = resilience.guard(
        () => new Promise<HttpExchange>((resolve) => (releaseFirst = resolve)),
        5_000,
        firstProgress,
      );
      const queuedProgress: AttemptProgress = { admitted: false, sent: false };
      const send = jest.fn<Promise<HttpExchange>, [AbortSignal]>();
      const queued = resilience.guard(send, 30, queuedProgress);
      const queuedWatch = watch(queued);

      await jest.advanceTimersByTimeAsync(30);
      expect(queuedWatch.settled).toBe(true);
      await expect(queued).rejects.toBeInstanceOf(TaskCancelledError);
      releaseFirst({ status: 201, headers: {}, body: undefined });
      await first;
      await jest.advanceTimersByTimeAsync(1_000);

      expect(queuedProgress).toEqual({ admitted: false, sent: false });
      expect(send).not.toHaveBeenCalled();
      expect(firstProgress).toEqual({ admitted: true, sent: true });
    });
  });

  describe('when less than an attempt timeout is left of the deadline', () => {
    it('cancels the running request at the deadline', async () => {
      const resilience = new GatewayResilience(
        resolveResilienceOptions({ attemptTimeoutMs: 5_000, deadlineMs: 8_000 }),
      );
      let seen: AbortSignal | undefined;

      const hanging = resilience.guard(
        (signal) => {
          seen = signal;
          return hangingRequest(signal);
        },
        40,
        { admitted: false, sent: false },
      );
      const hangingWatch = watch(hanging);
      await jest.advanceTimersByTimeAsync(39);
      const settledBeforeDeadline = hangingWatch.settled;
      await jest.advanceTimersByTimeAsync(1);

      expect(settledBeforeDeadline).toBe(false);
      expect(hangingWatch.settled).toBe(true);
      await expect(hanging).rejects.toBeInstanceOf(TaskCancelledError);
      expect(seen?.aborted).toBe(true);
    });
  });

  describe('when a call waits behind a half-open probe past its deadline', () => {
    it('is refused unsent, and the probe still closes the circuit', async () => {
      const resilience = new GatewayResilience(
        resolveResilienceOptions({ breakerThreshold: 1, halfOpenAfterMs: 20 }),
      );
      const answer = (status: number): HttpExchange => ({ status, headers: {} }) as HttpExchange;
      await resilience.guard(() => Promise.resolve(answer(503)), 8_000, {
        admitted: false,
        sent: false,
      });
      expect(resilience.circuitState()).toBe('open');
      await jest.advanceTimersByTimeAsync(30);
      let releaseProbe!: (exchange: HttpExchange) => void;
      const probe = resilience.guard(
        () => new Promise<HttpExchange>((resolve) => (releaseProbe = resolve)),
        8_000,
        { admitted: false, sent: false },
      );
      const waiting: AttemptProgress = { admitted: false, sent: false };
      const send = jest.fn<Promise<HttpExchange>, [AbortSignal]>();

      const late = resilience.guard(send, 30, waiting);
      await jest.advanceTimersByTimeAsync(60);
      releaseProbe(answer(201));

      await expect(probe).resolves.toMatchObject({ status: 201 });
      await expect(late).rejects.toBeInstanceOf(TaskCancelledError);
      expect(send).not.toHaveBeenCalled();
      expect(waiting.sent).toBe(false);
      expect(resilience.circuitState()).toBe('closed');
    });
  });

  describe('when the attempt answers within its timeout', () => {
    it('leaves its signal unaborted (the answer is already read)', async () => {
      const resilience = new GatewayResilience(resolveResilienceOptions());
      let seen: AbortSignal | undefined;

      await resilience.guard(
        (signal) => {
          seen = signal;
          return Promise.resolve({ status: 201, headers: {}, body: undefined });
        },
        8_000,
        { admitted: false, sent: false },
      );

      expect(seen?.aborted).toBe(false);
    });
  });

  describe('when the attempt outlives its timeout', () => {
    it('aborts the signal it handed to the request and rejects with a cancellation', async () => {
      const resilience = new GatewayResilience(
        resolveResilienceOptions({ attemptTimeoutMs: 20, deadlineMs: 1_000 }),
      );
      let seen: AbortSignal | undefined;

      const hanging = resilience.guard(
        (signal) => {
          seen = signal;
          return hangingRequest(signal);
        },
        8_000,
        { admitted: false, sent: false },
      );
      const hangingWatch = watch(hanging);
      await jest.advanceTimersByTimeAsync(20);

      expect(hangingWatch.settled).toBe(true);
      await expect(hanging).rejects.toBeInstanceOf(TaskCancelledError);
      expect(seen?.aborted).toBe(true);
    });
  });
});
