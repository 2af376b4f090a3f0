import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { StoredEvent } from './event';
import { fromEventItem } from './infrastructure/event-item.mapper';
import type { UpcasterChain } from './upcasting/upcaster';

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
 * that carries no new event (events are only ever inserted; anything else is ignored). A Lambda
 * event's binary attributes are base64 strings (its JSON), the Streams API's bytes; both decode
 * to the same event. With
 * `upcasters`, the event arrives in the current shape of its type, as the store's reads give it.
 */
export function decodeEventRecord(
  record: EventStreamRecord,
  upcasters?: UpcasterChain,
): StoredEvent | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || image === undefined) return undefined;
  const event = fromEventItem(repairEmptyMaps(image) as Record<string, AttributeValue>);
  return upcasters === undefined ? event : upcasters.upcast(event);
}

/**
 * The DynamoDB Streams client deserialises an empty map (`{"M":{}}`) as a value with no type at
 * all (`{}`), which unmarshall rejects. Every map-or-list attribute the ledger writes is a map,
 * so a typeless value is restored as an empty map. Lambda hands binary values (`B`, `BS`) over as
 * base64 strings, which unmarshall would keep as strings (a webhook's body would then fail its
 * decode check): they are restored as bytes.
 */
function repairEmptyMaps(image: Record<string, unknown>): Record<string, unknown> {
  const repaired: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) repaired[name] = repairValue(value);
  return repaired;
}

function repairValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const attribute = value as {
    M?: Record<string, unknown>;
    L?: unknown[];
    B?: unknown;
    BS?: unknown[];
  };
  if (Object.keys(attribute).length === 0) return { M: {} };
  if (typeof attribute.B === 'string') return { B: Buffer.from(attribute.B, 'base64') };
  if (attribute.BS?.some((item) => typeof item === 'string')) {
    return {
      BS: attribute.BS.map((item) =>
        typeof item === 'string' ? Buffer.from(item, 'base64') : item,
      ),
    };
  }
  if (attribute.M !== undefined) return { M: repairEmptyMaps(attribute.M) };
  if (attribute.L !== undefined) return { L: attribute.L.map(repairValue) };
  return value;
}
