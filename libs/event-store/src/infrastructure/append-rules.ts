import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import stringify from 'safe-stable-stringify';
import type { NewEvent } from '../event';
import { EventTooLargeError, InvalidAppendError } from '../errors';
import type { AppendOptions } from '../event-store.port';

/** Largest event item the store accepts: DynamoDB's 400 KB item limit less headroom. */
export const MAX_EVENT_BYTES = 350 * 1024;
/** TransactWriteItems takes 100 items; one may be the idempotency marker. */
export const MAX_EVENTS_PER_APPEND = 99;
/** TransactWriteItems takes at most 4 MB in all. */
export const MAX_APPEND_BYTES = 4_000_000;

/**
 * What every event-store adapter refuses before writing anything, so the in-memory twin accepts
 * exactly what DynamoDB accepts.
 */
export function validateAppend(
  streamId: string,
  expectedVersion: number,
  events: readonly NewEvent[],
  options: AppendOptions,
): void {
  if (streamId.length === 0 || streamId.length > 1024) {
    throw new InvalidAppendError('A stream id is 1 to 1,024 characters long');
  }
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new InvalidAppendError('The expected version is a non-negative integer');
  }
  if (events.length === 0 || events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppendError(`An append carries 1 to ${MAX_EVENTS_PER_APPEND} events`);
  }
  if (options.idempotencyKey !== undefined && options.idempotencyKey.length === 0) {
    throw new InvalidAppendError('An idempotency key may not be empty');
  }
}

/** Refuses an event item over the item limit, or an append over the transaction limit. */
export function checkSizes(
  items: readonly Record<string, AttributeValue>[],
  sizeOf: (item: Record<string, AttributeValue>) => number,
): void {
  let total = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (size > MAX_EVENT_BYTES) throw new EventTooLargeError(size, MAX_EVENT_BYTES);
    total += size;
  }
  if (total > MAX_APPEND_BYTES) throw new EventTooLargeError(total, MAX_APPEND_BYTES, 'append');
}

/** What an idempotency key promises stays the same: the stream and each event's type and data. */
export function hashPayload(streamId: string, events: readonly NewEvent[]): string {
  const payload = events.map((event) => ({
    type: event.type,
    schemaVersion: event.schemaVersion ?? 1,
    data: event.data,
  }));
  return createHash('sha256')
    .update(stringify({ streamId, events: payload }) ?? '')
    .digest('hex');
}

/** Where a read starts: the later of a `from` time and an `after` position (both sort as text). */
export function laterOf(from: string | undefined, after: string | undefined): string | undefined {
  if (from === undefined) return after;
  if (after === undefined) return from;
  return from > after ? from : after;
}
