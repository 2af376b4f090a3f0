import { newUlid } from '../event-id';
import { ConcurrencyConflictError, IdempotencyKeyReusedError } from '../errors';
import type { NewEvent, StoredEvent, StreamHead } from '../event';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ReadStreamOptions,
  StartStreamResult,
  StreamPage,
} from '../event-store.port';
import type { GlobalEventLog, ReadAllOptions, ReadShardsOptions } from '../global-event-log.port';
import {
  TIME_INDEX_LANES,
  laneOf,
  monotonicRecordedAt,
  positionOf,
} from '../time-index/time-index';
import type { UpcasterChain } from '../upcasting/upcaster';
import { checkSizes, hashPayload, laterOf, validateAppend } from './append-rules';
import { toEventItem } from './event-item.mapper';
import { itemSizeBytes } from './item-size';

export interface InMemoryEventStoreOptions {
  clock?: () => Date;
  newEventId?: () => string;
  /** Applied to every event read (never to what is appended); none: events read as stored. */
  upcasters?: UpcasterChain;
}

interface Marker {
  payloadHash: string;
  result: Omit<AppendResult, 'duplicate'>;
}

/**
 * The event store and global event log in memory: the twin of `DynamoDbEventStore` for tests
 * that need no DynamoDB. It keeps the same contract: conditional appends that fail with the same
 * typed errors, idempotency markers that return the first result, the same size and shape
 * limits, monotonic `recordedAt` per stream, the global order of positions, tenant filtering,
 * and upcasting on read. Every read returns copies, so callers cannot change what is stored.
 */
export class InMemoryEventStore implements EventStore, GlobalEventLog {
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly markers = new Map<string, Marker>();
  private readonly clock: () => Date;
  private readonly newEventId: () => string;
  private readonly upcasters: UpcasterChain | undefined;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.newEventId = options.newEventId ?? newUlid;
    this.upcasters = options.upcasters;
  }

  // Each operation first yields once, so callers that race appends interleave as they do against
  // DynamoDB, then checks and writes in one synchronous step: the conditional write.
  async startStream(streamId: string, event: NewEvent): Promise<StartStreamResult> {
    await tick();
    validateAppend(streamId, 0, [event], {});
    const [stored] = this.toStored(streamId, 0, [event], this.clock().toISOString());
    checkSizes([toEventItem(stored)], itemSizeBytes);
    const existing = this.streams.get(streamId)?.[0];
    if (existing !== undefined) return { created: false, existing: this.decode(existing) };
    this.streams.set(streamId, [stored]);
    return { created: true, event: structuredClone(stored) };
  }

  async append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    await tick();
    validateAppend(streamId, expectedVersion, events, options);
    // As DynamoDB's adapter: a head that the caller did not supply is read, and a stale expected
    // version fails before the idempotency marker is looked at.
    const previous = this.previousHead(streamId, expectedVersion, options.head);
    const recordedAt = monotonicRecordedAt(this.clock(), previous?.recordedAt);
    const stored = this.toStored(streamId, expectedVersion, events, recordedAt);
    checkSizes(
      stored.map((event) => toEventItem(event)),
      itemSizeBytes,
    );
    const payloadHash = options.idempotencyKey === undefined ? '' : hashPayload(streamId, events);
    if (options.idempotencyKey !== undefined) {
      const marker = this.markers.get(options.idempotencyKey);
      if (marker !== undefined) {
        if (marker.payloadHash !== payloadHash) {
          throw new IdempotencyKeyReusedError(options.idempotencyKey);
        }
        return { ...marker.result, eventIds: [...marker.result.eventIds], duplicate: true };
      }
    }
    const current = this.streams.get(streamId) ?? [];
    if (current.length !== expectedVersion) {
      throw new ConcurrencyConflictError(streamId, expectedVersion, current.length);
    }
    this.streams.set(streamId, [...current, ...stored]);
    const result = {
      streamId,
      fromVersion: expectedVersion + 1,
      toVersion: expectedVersion + events.length,
      eventIds: stored.map((event) => event.eventId),
      recordedAt,
    };
    if (options.idempotencyKey !== undefined) {
      this.markers.set(options.idempotencyKey, { payloadHash, result });
    }
    return { ...result, eventIds: [...result.eventIds], duplicate: false };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StreamPage> {
    await tick();
    const fromVersion = options.fromVersion ?? 1;
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const all = this.streams.get(streamId) ?? [];
    const page = all.filter((event) => event.version >= fromVersion).slice(0, limit);
    const last = page.at(-1);
    return {
      events: page.map((event) => this.decode(event)),
      nextVersion: last !== undefined && last.version < all.length ? last.version + 1 : undefined,
    };
  }

  async *readWholeStream(streamId: string, fromVersion = 1): AsyncGenerator<StoredEvent> {
    let next: number | undefined = fromVersion;
    while (next !== undefined) {
      const page: StreamPage = await this.readStream(streamId, { fromVersion: next, limit: 1000 });
      yield* page.events;
      next = page.nextVersion;
    }
  }

  async readHead(streamId: string): Promise<StreamHead | undefined> {
    await tick();
    return this.headOf(streamId);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<StoredEvent> {
    await tick();
    const to = options.to ?? this.clock().toISOString();
    const selected = this.inOrder(
      laterOf(options.from, options.after),
      options.after,
      to,
      options.tenantId,
    );
    for (const event of selected) yield this.decode(event);
  }

  readShards(options: ReadShardsOptions = {}): AsyncIterable<StoredEvent>[] {
    const to = options.to ?? this.clock().toISOString();
    return Array.from({ length: TIME_INDEX_LANES }, (_, lane) => {
      const after = options.after?.(lane);
      return this.readOneLane(lane, laterOf(options.from, after), after, to, options.tenantId);
    });
  }

  async countAll(options: Pick<ReadAllOptions, 'from' | 'to' | 'tenantId'> = {}): Promise<number> {
    await tick();
    const to = options.to ?? this.clock().toISOString();
    return this.inOrder(options.from, undefined, to, options.tenantId).length;
  }

  private async *readOneLane(
    lane: number,
    lower: string | undefined,
    after: string | undefined,
    to: string,
    tenantId: string | undefined,
  ): AsyncGenerator<StoredEvent> {
    await tick();
    for (const event of this.inOrder(lower, after, to, tenantId)) {
      if (laneOf(event.streamId) === lane) yield this.decode(event);
    }
  }

  /**
   * The events between two places of the global order, as the time index bounds them: from
   * `lower` (a time or a position, included) to `to` (a time: an event recorded at `to` is past
   * it), strictly after `after`, of one tenant's streams when one is given.
   */
  private inOrder(
    lower: string | undefined,
    after: string | undefined,
    to: string,
    tenantId: string | undefined,
  ): StoredEvent[] {
    const events: StoredEvent[] = [];
    for (const [streamId, stream] of this.streams) {
      // Tenant ids are slugs without '#', so `<tenant>#` is exactly that tenant's stream prefix.
      if (tenantId !== undefined && !streamId.startsWith(`${tenantId}#`)) continue;
      for (const event of stream) {
        const position = event.position;
        if (lower !== undefined && position < lower) continue;
        if (position > to) continue;
        if (after !== undefined && position <= after) continue;
        events.push(event);
      }
    }
    return events.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }

  private previousHead(
    streamId: string,
    expectedVersion: number,
    head: StreamHead | undefined,
  ): StreamHead | undefined {
    if (expectedVersion === 0) return undefined;
    if (head !== undefined && head.version === expectedVersion) return head;
    const actual = this.headOf(streamId);
    if (actual?.version !== expectedVersion) {
      throw new ConcurrencyConflictError(streamId, expectedVersion, actual?.version ?? 0);
    }
    return actual;
  }

  private headOf(streamId: string): StreamHead | undefined {
    const last = this.streams.get(streamId)?.at(-1);
    return last === undefined ? undefined : { version: last.version, recordedAt: last.recordedAt };
  }

  private toStored(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    recordedAt: string,
  ): StoredEvent[] {
    return events.map((event, i) => {
      const version = expectedVersion + i + 1;
      return structuredClone({
        streamId,
        version,
        eventId: event.eventId ?? this.newEventId(),
        type: event.type,
        schemaVersion: event.schemaVersion ?? 1,
        data: event.data,
        metadata: event.metadata ?? {},
        recordedAt,
        position: positionOf(recordedAt, streamId, version),
      });
    });
  }

  /** A stored event as readers see it: a copy, in the current shape of its type. */
  private decode(event: StoredEvent): StoredEvent {
    const copy = structuredClone(event);
    return this.upcasters === undefined ? copy : this.upcasters.upcast(copy);
  }
}

/** A turn of the microtask queue: asynchronous like a real store, and safe under fake timers. */
const tick = (): Promise<void> => Promise.resolve();
