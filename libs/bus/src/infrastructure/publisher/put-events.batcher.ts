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
  /** Sends of one entry the bus refuses before it is given up on (default 6). */
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
 * While the bus itself is out of reach (no answer, 5xx, throttling) entries are retried without
 * limit, so an outage delays events but never reorders or dead-letters them.
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
    let busUnavailable = false;
    try {
      const output = await this.client.send(
        new PutEventsCommand({ Entries: batch.map((p) => p.entry) }),
      );
      results = output.Entries ?? [];
    } catch (error) {
      // The whole call failed: every entry is retried. When the bus cannot be reached or is
      // throttling, that says nothing about the entries: they wait for it however long it takes
      // (and so do their payments' later events), rather than going to the dead letters and
      // letting later events overtake them.
      busUnavailable = isBusUnavailable(error);
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
      if (!busUnavailable && pending.attempts >= this.maxAttempts) {
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

/**
 * A failed call that says the bus is out of reach rather than that the request is wrong: no HTTP
 * answer at all (connection refused or reset, timeout), a 5xx, or throttling.
 */
function isBusUnavailable(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  return (
    status === undefined ||
    status >= 500 ||
    status === 429 ||
    name === 'ThrottlingException' ||
    name === 'TooManyRequestsException'
  );
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
