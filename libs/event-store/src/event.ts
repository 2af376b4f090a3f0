/** Who and what caused an event; kept with every event, never containing secrets. */
export interface EventMetadata {
  tenantId?: string;
  correlationId?: string;
  causationId?: string;
  actor?: string;
  source?: string;
  [key: string]: unknown;
}

/** An event as a caller hands it to `append`. */
export interface NewEvent<TType extends string = string, TData = Record<string, unknown>> {
  type: TType;
  data: TData;
  metadata?: EventMetadata;
  /** Shape version of `data`; upcasters turn older versions into the current one on read. */
  schemaVersion?: number;
  /** Supplied by callers that need a known id (tests, imports); a ULID otherwise. */
  eventId?: string;
}

/** An event as the store holds it: immutable once written. */
export interface StoredEvent<TType extends string = string, TData = Record<string, unknown>> {
  streamId: string;
  version: number;
  eventId: string;
  type: TType;
  schemaVersion: number;
  data: TData;
  metadata: EventMetadata;
  /** ISO-8601 with milliseconds; never earlier than the previous event of the same stream. */
  recordedAt: string;
  /** Place in the global order (`recordedAt#streamId#version`); a resumable checkpoint. */
  position: string;
}

/** The last event of a stream, as much as an append needs to continue it. */
export interface StreamHead {
  version: number;
  recordedAt: string;
}
