import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';

/** PutEvents limits: 10 entries and 256 KB per call. */
export const MAX_BATCH_ENTRIES = 10;
export const MAX_BATCH_BYTES = 256 * 1024;

export interface BatcherOptions {
  /** How long the first entry of a batch waits for company (default 5 ms). */
  lingerMs?: number;
  /** Sends of one entry before it is given up on (default 6). */
  maxAttempts?: number;
  /** Backoff of a failed entry: full jitter up to min(cap, base * 2^attempt) (defaults 50 / 2,000 ms). */
  baseDelayMs?: number;
  capDelayMs?: number;
  random?: () => number;
  /** Called once per PutEvents call, with its entry count (for the benchmark and logs). */
  onCall?: (entries: number) => void;
}

export type SubmitOutcome =
  | { status: 'published'; eventId: string; attempts: number }
  | { status: 'failed'; reason: string; attempts: number };

interface Pending {
  entry: PutEventsRequestEntry;
  size: number;
  attempts: number;
  lastError: string;
  resolve: (outcome: SubmitOutcome) => void;
}

/**
 * Gathers entries submitted at about the same time into PutEvents calls of at most 10 entries and
 * 256 KB; retries only the entries that failed (per-entry ErrorCode), with backoff; reports an
 * entry as failed after its last attempt instead of throwing, so the caller decides (dead letter).
 */
export class PutEventsBatcher {
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private readonly lingerMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly capDelayMs: number;
  private readonly random: () => number;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: BatcherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 5;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 50;
    this.capDelayMs = options.capDelayMs ?? 2000;
    this.random = options.random ?? Math.random;
  }

  /** Resolves once the entry is on the bus, or has failed for good. Never rejects. */
  submit(entry: PutEventsRequestEntry): Promise<SubmitOutcome> {
    const size = entrySize(entry);
    if (size > MAX_BATCH_BYTES) {
      return Promise.resolve({ status: 'failed', reason: 'entry larger than 256 KB', attempts: 0 });
    }
    return new Promise((resolve) => {
      this.enqueue({ entry, size, attempts: 0, lastError: '', resolve });
    });
  }

  private enqueue(pending: Pending): void {
    this.queue.push(pending);
    if (this.queue.length >= MAX_BATCH_ENTRIES) {
      this.flush();
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.lingerMs);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      const batch: Pending[] = [];
      let bytes = 0;
      while (
        this.queue.length > 0 &&
        batch.length < MAX_BATCH_ENTRIES &&
        bytes + this.queue[0].size <= MAX_BATCH_BYTES
      ) {
        const next = this.queue.shift()!;
        bytes += next.size;
        batch.push(next);
      }
      void this.send(batch);
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    this.options.onCall?.(batch.length);
    for (const pending of batch) pending.attempts += 1;
    let results: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>;
    try {
      const output = await this.client.send(
        new PutEventsCommand({ Entries: batch.map((p) => p.entry) }),
      );
      results = output.Entries ?? [];
    } catch (error) {
      // The whole call failed (throttled, unreachable): every entry is retried.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results = batch.map(() => ({ ErrorCode: 'CallFailed', ErrorMessage: message }));
    }
    batch.forEach((pending, i) => {
      const result = results[i];
      if (result?.EventId !== undefined && result.ErrorCode === undefined) {
        pending.resolve({
          status: 'published',
          eventId: result.EventId,
          attempts: pending.attempts,
        });
        return;
      }
      pending.lastError = `${result?.ErrorCode ?? 'Unknown'}: ${result?.ErrorMessage ?? ''}`.trim();
      if (pending.attempts >= this.maxAttempts) {
        pending.resolve({
          status: 'failed',
          reason: pending.lastError,
          attempts: pending.attempts,
        });
        return;
      }
      const ceiling = Math.min(this.capDelayMs, this.baseDelayMs * 2 ** pending.attempts);
      setTimeout(() => this.enqueue(pending), Math.floor(this.random() * ceiling));
    });
  }
}

/** The size EventBridge counts for an entry (its documented calculation). */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = 0;
  if (entry.Time !== undefined) size += 14;
  size += Buffer.byteLength(entry.Source ?? '');
  size += Buffer.byteLength(entry.DetailType ?? '');
  size += Buffer.byteLength(entry.Detail ?? '');
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource);
  return size;
}
