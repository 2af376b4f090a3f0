import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import type { ParkingLot } from './parking-lot.port';
import type { BatchContext, ConsumerRecord, StreamConsumer } from './stream-consumer';

export interface BatchProcessorOptions {
  /** Attempts per record before it is parked (default 5). */
  maxAttempts?: number;
  /** First retry delay in ms; doubles with jitter up to `maxDelayMs` (defaults 100 / 5,000). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Event streams handled at once within a batch (default 16). */
  concurrency?: number;
  clock?: () => Date;
  onParked?: (record: ConsumerRecord, error: unknown) => void;
}

export interface BatchOutcome {
  processed: number;
  parked: number;
  /**
   * The earliest record that was neither handled nor parked (only when parking itself failed):
   * the batch must be delivered again from here.
   */
  firstFailure?: ConsumerRecord;
}

/**
 * The one core every driver shares: handles a batch of stream records, in order within each event
 * stream and concurrently across streams; a record that keeps failing is retried with backoff,
 * then parked, so one bad record never blocks the other streams.
 */
export class BatchProcessor {
  private readonly options: Required<Omit<BatchProcessorOptions, 'onParked'>> &
    Pick<BatchProcessorOptions, 'onParked'>;

  constructor(
    private readonly consumer: StreamConsumer,
    private readonly parkingLot: ParkingLot,
    options: BatchProcessorOptions = {},
  ) {
    this.options = {
      maxAttempts: options.maxAttempts ?? consumer.retry?.maxAttempts ?? 5,
      initialDelayMs: options.initialDelayMs ?? consumer.retry?.initialDelayMs ?? 100,
      maxDelayMs: options.maxDelayMs ?? consumer.retry?.maxDelayMs ?? 5000,
      concurrency: options.concurrency ?? consumer.concurrency ?? 16,
      clock: options.clock ?? (() => new Date()),
      onParked: options.onParked,
    };
  }

  async process(records: readonly ConsumerRecord[]): Promise<BatchOutcome> {
    const byStream = new Map<string, ConsumerRecord[]>();
    for (const record of records) {
      const list = byStream.get(record.event.streamId) ?? [];
      list.push(record);
      byStream.set(record.event.streamId, list);
    }
    const outcome: BatchOutcome = { processed: 0, parked: 0 };
    const failures: ConsumerRecord[] = [];
    const memo = new Map<string, unknown>();
    const events = records.map((record) => record.event);
    await forEachLimit([...byStream.values()], this.options.concurrency, async (stream) => {
      for (const [i, record] of stream.entries()) {
        const following = stream.slice(i + 1).map((later) => later.event);
        const result = await this.processRecord(record, { following, memo, events });
        if (result === 'failed') {
          failures.push(record);
          return; // Later records of this stream wait for the redelivery, keeping their order.
        }
        outcome[result] += 1;
      }
    });
    if (failures.length > 0) {
      const index = new Map(records.map((record, i) => [record, i]));
      outcome.firstFailure = failures.sort((a, b) => index.get(a)! - index.get(b)!)[0];
    }
    return outcome;
  }

  private async processRecord(
    record: ConsumerRecord,
    batch: BatchContext,
  ): Promise<'processed' | 'parked' | 'failed'> {
    let attempts = 0;
    const policy = retry(handleAll, {
      maxAttempts: this.options.maxAttempts - 1,
      backoff: new ExponentialBackoff({
        initialDelay: this.options.initialDelayMs,
        maxDelay: this.options.maxDelayMs,
      }),
    });
    try {
      await policy.execute(() => {
        attempts += 1;
        return this.consumer.handle(record.event, batch);
      });
      return 'processed';
    } catch (error) {
      try {
        await this.parkingLot.park({
          consumer: this.consumer.name,
          event: record.event,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          attempts,
          parkedAt: this.options.clock().toISOString(),
        });
        this.options.onParked?.(record, error);
        return 'parked';
      } catch {
        return 'failed';
      }
    }
  }
}

async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(lanes);
}
