import type { GlobalEventLog, ReadAllOptions } from '@ledger/event-store';
import type { StreamConsumer } from '../core/stream-consumer';

export interface ReplayToConsumerResult {
  /** Events the consumer handled. */
  handled: number;
  /** Events it failed on: the first of their stream (its later events are skipped). */
  failed: { eventId: string; streamId: string; version: number; error: string }[];
  /** Later events of a stream that failed, not handed over, so the stream's order holds. */
  skipped: number;
}

/**
 * Hands every event of a time range of the event store (which keeps every event) to a consumer,
 * in the global order and so in each stream's order: what the consumer would have been handed
 * from the stream, for a batch the stream has trimmed. Consumers are idempotent, so events it
 * already handled do no harm.
 */
export async function replayToConsumer(
  log: Pick<GlobalEventLog, 'readAll'>,
  consumer: StreamConsumer,
  range: Pick<ReadAllOptions, 'from' | 'to' | 'tenantId'>,
): Promise<ReplayToConsumerResult> {
  const result: ReplayToConsumerResult = { handled: 0, failed: [], skipped: 0 };
  const failedStreams = new Set<string>();
  for await (const event of log.readAll(range)) {
    if (failedStreams.has(event.streamId)) {
      result.skipped += 1;
      continue;
    }
    try {
      await consumer.handle(event);
      result.handled += 1;
    } catch (error) {
      failedStreams.add(event.streamId);
      result.failed.push({
        eventId: event.eventId,
        streamId: event.streamId,
        version: event.version,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return result;
}
