import type { SandboxStats } from './sandbox-gateway.types';

/** The counters behind `stats()`; only the server writes them. */
export class SandboxStatsRecorder {
  private counters = emptyStats();

  /** Counts one `/v1` request and, when it carries one, its idempotency key. */
  request(idempotencyKey: string | undefined): void {
    this.counters.requests += 1;
    if (idempotencyKey === undefined || idempotencyKey === '') return;
    const byKey = this.counters.requestsByIdempotencyKey;
    if (byKey[idempotencyKey] === undefined) this.counters.idempotencyKeysSeen.push(idempotencyKey);
    byKey[idempotencyKey] = (byKey[idempotencyKey] ?? 0) + 1;
  }

  increment(
    counter: 'chargesCreated' | 'refundsCreated' | 'webhooksSent' | 'webhookFailures',
  ): void {
    this.counters[counter] += 1;
  }

  aborted(): void {
    this.counters.abortedRequests += 1;
  }

  /** A copy, so a caller's assertions never see later changes. */
  snapshot(): SandboxStats {
    return {
      ...this.counters,
      requestsByIdempotencyKey: { ...this.counters.requestsByIdempotencyKey },
      idempotencyKeysSeen: [...this.counters.idempotencyKeysSeen],
    };
  }

  reset(): void {
    this.counters = emptyStats();
  }
}

function emptyStats(): SandboxStats {
  return {
    requests: 0,
    chargesCreated: 0,
    refundsCreated: 0,
    // No prototype: a key such as `__proto__` must count like any other.
    requestsByIdempotencyKey: Object.create(null) as Record<string, number>,
    idempotencyKeysSeen: [],
    webhooksSent: 0,
    webhookFailures: 0,
    abortedRequests: 0,
  };
}
