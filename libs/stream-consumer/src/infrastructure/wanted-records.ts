import { type UpcasterChain } from '@ledger/event-store';
import { decodeEventRecord, type EventStreamRecord } from '@ledger/event-store/aws';
import type { ConsumerRecord, RecordHead, StreamConsumer } from '../core/stream-consumer';

type RawAttribute = { S?: string; M?: Record<string, RawAttribute> } | undefined;

/**
 * The head of an events-table stream record (stream id, type, `data`'s string members), read
 * from its image without unmarshalling it; undefined for a record that inserts no event.
 */
export function recordHeadOf(record: EventStreamRecord): RecordHead | undefined {
  const image = record.dynamodb?.NewImage as Record<string, RawAttribute> | undefined;
  if (record.eventName !== 'INSERT' || image === undefined) return undefined;
  const streamId = image.pk?.S;
  const type = image.type?.S;
  if (streamId === undefined || type === undefined) return undefined;
  const data = image.data?.M;
  return { streamId, type, dataString: (member) => data?.[member]?.S };
}

/**
 * Decodes the records of a batch that `consumer` wants (all of them when it does not say), in
 * order, each with its sequence number; the rest are not decoded at all.
 */
export function decodeWantedRecords(
  records: readonly EventStreamRecord[],
  consumer: StreamConsumer,
  upcasters?: UpcasterChain,
): ConsumerRecord[] {
  const decoded: ConsumerRecord[] = [];
  for (const record of records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (sequenceNumber === undefined) continue;
    if (consumer.wants !== undefined) {
      const head = recordHeadOf(record);
      if (head === undefined || !consumer.wants(head)) continue;
    }
    const event = decodeEventRecord(record, upcasters);
    if (event !== undefined) decoded.push({ event, sequenceNumber });
  }
  return decoded;
}
