import type { BreakerState } from '@ledger/ledger';

export interface GatewayPacingOptions {
  /** Each tenant's breaker state, read before every call. */
  breakerOf: (tenantId: string) => BreakerState;
  /** Calls started per second and tenant. Default 25; `Infinity`: unpaced. */
  ratePerSecond?: number;
  /**
   * How long one call may wait for its tenant's breaker to close before the run gives up on the
   * gateway (`unavailable`). Default 30 s; 0: give up at once.
   */
  maxBreakerWaitMs?: number;
  /** How often a waiting call looks at the breaker again. Default 100 ms. */
  pollMs?: number;
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What {@link GatewayPacing.admit} decided. */
export type Admission = 'admitted' | 'unavailable' | 'stopped';

/**
 * Paces a bulk run's calls per tenant so the run itself never trips a breaker: calls of one
 * tenant start at most `ratePerSecond` a second; while the tenant's breaker is open none starts;
 * while it is half-open only one runs at a time (the breaker's own probe lets one through and
 * refuses the others, which would only record refusals). A call waits for the breaker at most
 * `maxBreakerWaitMs`.
 */
export class GatewayPacing {
  private readonly intervalMs: number;
  private readonly maxWaitMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly nextAt = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly options: GatewayPacingOptions) {
    const rate = options.ratePerSecond ?? 25;
    if (!(rate > 0)) throw new RangeError(`ratePerSecond must be positive, got ${rate}`);
    this.intervalMs = 1000 / rate;
    this.maxWaitMs = options.maxBreakerWaitMs ?? 30_000;
    this.pollMs = options.pollMs ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** Waits until a call for `tenantId` may start; `release` it when it ends. */
  async admit(tenantId: string, signal?: AbortSignal): Promise<Admission> {
    let blockedSince: number | undefined;
    for (;;) {
      if (signal?.aborted === true) return 'stopped';
      const state = this.breakerOf(tenantId);
      const running = this.inFlight.get(tenantId) ?? 0;
      const now = this.now();
      if (state === 'closed' || (state === 'half_open' && running === 0)) {
        blockedSince = undefined;
        const wait = (this.nextAt.get(tenantId) ?? 0) - now;
        if (wait <= 0) {
          this.nextAt.set(
            tenantId,
            Math.max(now, this.nextAt.get(tenantId) ?? now) + this.intervalMs,
          );
          this.inFlight.set(tenantId, running + 1);
          return 'admitted';
        }
        await this.sleep(wait, signal);
        continue;
      }
      blockedSince ??= now;
      if (now - blockedSince >= this.maxWaitMs) return 'unavailable';
      await this.sleep(Math.min(this.pollMs, this.maxWaitMs - (now - blockedSince)), signal);
    }
  }

  /** A tenant without a gateway client has no breaker: its reconcile reports the error itself. */
  private breakerOf(tenantId: string): BreakerState {
    try {
      return this.options.breakerOf(tenantId);
    } catch {
      return 'closed';
    }
  }

  /** A call admitted for `tenantId` has ended. */
  release(tenantId: string): void {
    this.inFlight.set(tenantId, Math.max(0, (this.inFlight.get(tenantId) ?? 1) - 1));
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
