import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { StoredEvent } from './event';
import { fromEventItem } from './infrastructure/event-item.mapper';

/**
 * The part of a DynamoDB stream record a consumer needs. Lambda's event and the Streams API
 * both carry it (their AttributeValue types differ only nominally).
 */
export interface EventStreamRecord {
  eventName?: string;
  dynamodb?: {
    NewImage?: Record<string, unknown>;
    SequenceNumber?: string;
  };
}

/**
 * Turns a stream record of the events table into the stored event, or `undefined` for a record
 * that carries no new event (events are only ever inserted; anything else is ignored).
 */
export function decodeEventRecord(record: EventStreamRecord): StoredEvent | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || image === undefined) return undefined;
  return fromEventItem(image as Record<string, AttributeValue>);
}
