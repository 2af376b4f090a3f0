import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { EventMetadata, StoredEvent } from '../event';
import { dayOf, positionOf, shardOf, timeIndexPartition } from '../time-index/time-index';

/** An event's item in the events table. */
export interface EventItem {
  pk: string;
  sk: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: string;
  tix: string;
  tsk: string;
}

/** The event's item; `shards` is the time-index shard count of the event's day (default 8). */
export function toEventItem(
  event: Omit<StoredEvent, 'position'>,
  shards?: number,
): Record<string, AttributeValue> {
  const item: EventItem = {
    pk: event.streamId,
    sk: event.version,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
    tix: timeIndexPartition(dayOf(event.recordedAt), shardOf(event.streamId, shards)),
    tsk: positionOf(event.recordedAt, event.streamId, event.version),
  };
  // A map whose keys come from outside (headers, provider names) may hold a key `constructor`,
  // which the marshaller would otherwise mistake for a class instance and refuse.
  return marshall(item, {
    removeUndefinedValues: true,
    convertEmptyValues: false,
    convertClassInstanceToMap: true,
  });
}

/** Decodes an events-table item, from a DynamoDB stream record's NewImage or a failed condition. */
export function fromEventItem(item: Record<string, AttributeValue>): StoredEvent {
  return fromEventDocument(unmarshall(item));
}

/** Decodes an events-table item as the document client reads it (plain values). */
export function fromEventDocument(document: Record<string, unknown>): StoredEvent {
  const plain = document as unknown as EventItem;
  return {
    streamId: plain.pk,
    version: Number(plain.sk),
    eventId: plain.eventId,
    type: plain.type,
    schemaVersion: Number(plain.schemaVersion),
    data: plain.data ?? {},
    metadata: plain.metadata ?? {},
    recordedAt: plain.recordedAt,
    position: plain.tsk,
  };
}
