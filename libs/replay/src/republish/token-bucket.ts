/** Paces work to a rate; `take` waits for the next permit. */
export interface RateLimiter {
  /** Resolves true once a permit is taken, or false as soon as `signal` aborts. */
  take(signal?: AbortSignal): Promise<boolean>;
}

export interface TokenBucketOptions {
  /** Permits per second, positive. */
  ratePerSecond: number;
  /**
   * Permits that may be taken at once after a pause. Default a tenth of a second's worth (at least
   * one): enough to absorb timer jitter, small enough that no second sees much more than the rate.
   */
  burst?: number;
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
  /** Waits `ms` or until `signal` aborts, whichever comes first; injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A token bucket: refills at `ratePerSecond`, holds at most `burst` tokens, starts full. */
export class TokenBucket implements RateLimiter {
  private readonly rate: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private tokens: number;
  private last: number;

  constructor(options: TokenBucketOptions) {
    if (!Number.isFinite(options.ratePerSecond) || options.ratePerSecond <= 0) {
      throw new RangeError(`ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
    }
    this.rate = options.ratePerSecond;
    this.burst = Math.max(1, options.burst ?? Math.floor(options.ratePerSecond / 10));
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? abortableSleep;
    this.tokens = this.burst;
    this.last = this.now();
  }

  async take(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return true;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000), signal);
    }
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
