/**
 * The global order of events: a GSI whose partition key is a day bucket plus a shard
 * (`2026-11-28#3`), so no single partition takes every write, and whose sort key is the event's
 * position `recordedAt#streamId#version`. Changing SHARDS needs a migration of the index.
 */
export const TIME_INDEX_SHARDS = 8;

const VERSION_DIGITS = 10;

/** The day bucket of an ISO timestamp: `YYYY-MM-DD`. */
export function dayOf(isoTimestamp: string): string {
  return isoTimestamp.slice(0, 10);
}

/** Which time-index shard a stream's events go to: all of one stream's events share one. */
export function shardOf(streamId: string): number {
  // FNV-1a, 32 bit: cheap, stable across processes and releases.
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) {
    hash ^= streamId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % TIME_INDEX_SHARDS;
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
