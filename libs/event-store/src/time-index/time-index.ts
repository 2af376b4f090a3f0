/**
 * The global order of events: a GSI whose partition key is a day bucket plus a shard
 * (`2026-11-28#3`), so no single partition takes every write, and whose sort key is the event's
 * position `recordedAt#streamId#version`.
 *
 * How many shards a day has is configuration (`TIME_INDEX_SHARDS`), recorded with the day's
 * bucket by its first writer, so a change takes effect from the next day that has no event yet
 * and readers read each day with the count it was written with. Counts are multiples of
 * `TIME_INDEX_LANES`: a stream's shard then always lies in the same lane (`shard % lanes`), so
 * replay's parallel readers, one per lane, keep every stream whole across days of any count.
 */
export const DEFAULT_TIME_INDEX_SHARDS = 8;

/** Parallel readers of the global order (`readShards`); every shard count is a multiple of it. */
export const TIME_INDEX_LANES = 8;

/** The largest shard count a day may have (a day's replay queries each of its shards). */
export const MAX_TIME_INDEX_SHARDS = 1024;

/** Days registered before shard counts were recorded were written with this many shards. */
export const LEGACY_TIME_INDEX_SHARDS = 8;

const VERSION_DIGITS = 10;

/** Throws unless `shards` is a count a day of the time index may have. */
export function checkTimeIndexShards(shards: number): number {
  if (
    !Number.isInteger(shards) ||
    shards < TIME_INDEX_LANES ||
    shards > MAX_TIME_INDEX_SHARDS ||
    shards % TIME_INDEX_LANES !== 0
  ) {
    throw new RangeError(
      `A time-index shard count is a multiple of ${TIME_INDEX_LANES} up to ${MAX_TIME_INDEX_SHARDS}, got ${shards}`,
    );
  }
  return shards;
}

/** The day bucket of an ISO timestamp: `YYYY-MM-DD`. */
export function dayOf(isoTimestamp: string): string {
  return isoTimestamp.slice(0, 10);
}

/**
 * Which of `shards` time-index shards a stream's events go to on a day with that many: all of
 * one stream's events of a day share one, and `shardOf(id, n) % TIME_INDEX_LANES` is the same
 * for every count `n` (a multiple of the lanes).
 */
export function shardOf(streamId: string, shards: number = DEFAULT_TIME_INDEX_SHARDS): number {
  // FNV-1a, 32 bit: cheap, stable across processes and releases.
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) {
    hash ^= streamId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** The replay lane (reader of `readShards`) a stream's events are read by, on every day. */
export function laneOf(streamId: string): number {
  return shardOf(streamId, TIME_INDEX_LANES);
}

/** The shards of a day with `shards` shards that hold the streams of `lane`. */
export function shardsOfLane(lane: number, shards: number): number[] {
  return Array.from({ length: shards / TIME_INDEX_LANES }, (_, i) => lane + i * TIME_INDEX_LANES);
}

export function timeIndexPartition(day: string, shard: number): string {
  return `${day}#${shard}`;
}

export function positionOf(recordedAt: string, streamId: string, version: number): string {
  return `${recordedAt}#${streamId}#${String(version).padStart(VERSION_DIGITS, '0')}`;
}

export interface ParsedPosition {
  recordedAt: string;
  streamId: string;
  version: number;
}

/** Inverse of `positionOf`; throws on anything that is not a position. */
export function parsePosition(position: string): ParsedPosition {
  const first = position.indexOf('#');
  const last = position.lastIndexOf('#');
  const recordedAt = position.slice(0, first);
  const version = Number(position.slice(last + 1));
  if (
    first <= 0 ||
    last <= first ||
    !Number.isInteger(version) ||
    Number.isNaN(Date.parse(recordedAt))
  ) {
    throw new RangeError(`Not an event position: ${position}`);
  }
  return { recordedAt, streamId: position.slice(first + 1, last), version };
}

/** Every day bucket from `from` to `to`, both included. */
export function daysBetween(fromIso: string, toIso: string): string[] {
  const days: string[] = [];
  const cursor = new Date(`${dayOf(fromIso)}T00:00:00.000Z`);
  const last = dayOf(toIso);
  while (cursor.toISOString().slice(0, 10) <= last) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

/** `recordedAt` for a new event: now, but never earlier than the stream's previous event. */
export function monotonicRecordedAt(now: Date, previousRecordedAt?: string): string {
  const candidate = now.toISOString();
  return previousRecordedAt !== undefined && previousRecordedAt > candidate
    ? previousRecordedAt
    : candidate;
}
