/** A response as the gateway first answered it, replayed as is for the same key and body. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** What a new request with an idempotency key may do. */
export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_progress' }
  | { kind: 'reused' };

type IdempotencyRecord =
  | { fingerprint: string; state: 'in_progress' }
  | { fingerprint: string; state: 'completed'; response: StoredResponse };

/**
 * In-memory idempotency records, Stripe-style: a key is held while its first request runs,
 * then remembers that request's fingerprint and answer.
 *
 * @debt Records never expire; the sandbox lives for one dev session or test run, and `reset`
 * clears them.
 */
export class IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();

  /** Holds `key` for a request, or says why it cannot be processed again. */
  claim(key: string, fingerprint: string): IdempotencyClaim {
    const record = this.records.get(key);
    if (record === undefined) {
      this.records.set(key, { fingerprint, state: 'in_progress' });
      return { kind: 'claimed' };
    }
    // A different request under a used key is a client bug, whether or not the first has finished.
    if (record.fingerprint !== fingerprint) return { kind: 'reused' };
    return record.state === 'completed'
      ? { kind: 'replay', response: record.response }
      : { kind: 'in_progress' };
  }

  /** Remembers the answer of a claimed key. */
  complete(key: string, response: StoredResponse): void {
    const record = this.records.get(key);
    if (record !== undefined) {
      this.records.set(key, { fingerprint: record.fingerprint, state: 'completed', response });
    }
  }

  /** Frees a claimed key whose request was rejected before it changed anything. */
  release(key: string): void {
    if (this.records.get(key)?.state === 'in_progress') this.records.delete(key);
  }

  clear(): void {
    this.records.clear();
  }
}
