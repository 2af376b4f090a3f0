/**
 * The decider pattern (as in event-driven-io/emmett): a pure aggregate is three functions.
 * `decide` turns a command and the current state into new events (or throws a `LedgerError`),
 * `evolve` folds one event into the state, `initialState` is the state of an empty stream.
 * Nothing here reads a clock or does I/O; a command handler loads the stream, folds it, decides,
 * and appends what `decide` returned.
 */
import type { EventDecoder, RecordedEvent } from './event-decoding';

/** Who sent a command and when; `now` is the only clock the domain ever sees. */
export type CommandMetadata = {
  /** ISO-8601 instant the command is decided at; copied into every event as `data.at`. */
  now: string;
  tenantId: string;
  correlationId?: string;
  causationId?: string;
  actor?: string;
};

/** The metadata `decide` puts on an event; the event store adds `recordedAt` and `source`. */
export type DomainEventMetadata = {
  tenantId: string;
  correlationId?: string;
  causationId?: string;
  actor?: string;
};

/** A command: a plain `{ type, data, metadata }` message. */
export type Command<TType extends string, TData> = Readonly<{
  type: TType;
  data: Readonly<TData>;
  metadata: CommandMetadata;
}>;

/**
 * A domain event: a plain, JSON-able `{ type, data, metadata }` message. `schemaVersion` is the
 * version of `data`'s shape: `decide` sets the current one, and events read from a store arrive
 * upcast to it (see each aggregate's upcasters).
 */
export type DomainEvent<TType extends string, TData> = Readonly<{
  type: TType;
  data: Readonly<TData>;
  metadata: DomainEventMetadata;
  schemaVersion?: number;
}>;

/** A pure aggregate: decide what happens, and fold what happened into state. */
export type Decider<TCommand, TEvent, TState> = {
  readonly decide: (command: TCommand, state: TState) => TEvent[];
  readonly evolve: (state: TState, event: TEvent) => TState;
  readonly initialState: () => TState;
};

/**
 * Folds `events` into `state` (the decider's initial state by default): the one fold of the ledger,
 * behind every read of a stream (`foldStream`) and after every decision.
 */
export function foldEvents<TCommand, TEvent, TState>(
  decider: Decider<TCommand, TEvent, TState>,
  events: Iterable<TEvent>,
  state: TState = decider.initialState(),
): TState {
  let folded = state;
  for (const event of events) folded = decider.evolve(folded, event);
  return folded;
}

/** A stream (or the part of it read so far) folded: the state and the version it reflects. */
export type FoldedStream<TEvent, TState> = {
  state: TState;
  /** The version of the last event read; 0 for an empty stream. */
  version: number;
  /** The decoded events read, in stream order (types the decoder does not know left out). */
  events: TEvent[];
  /** When the last event read was recorded; absent when none was read. */
  recordedAt?: string;
};

/**
 * Decodes recorded events (in stream order, after the store's upcasting) and folds them into
 * `start` (an empty stream by default). An event the decoder refuses throws its
 * `EventUndecodableError`; one of a type the decoder does not know is skipped but still counts
 * towards the version.
 */
export function foldStream<TCommand, TEvent, TState>(
  decider: Decider<TCommand, TEvent, TState>,
  decode: EventDecoder<TEvent>,
  recorded: Iterable<RecordedEvent>,
  start: { state: TState; version: number } = { state: decider.initialState(), version: 0 },
): FoldedStream<TEvent, TState> {
  const events: TEvent[] = [];
  let version = start.version;
  let recordedAt: string | undefined;
  for (const stored of recorded) {
    const event = decode(stored);
    if (event !== undefined) events.push(event);
    version = stored.version;
    recordedAt = stored.recordedAt;
  }
  const state = foldEvents(decider, events, start.state);
  return recordedAt === undefined
    ? { state, version, events }
    : { state, version, events, recordedAt };
}

/**
 * The event metadata that follows from a command's metadata: the tracing fields are copied and
 * absent ones are omitted rather than set to `undefined`, which DynamoDB refuses on some paths.
 */
export function eventMetadataFrom(metadata: CommandMetadata): DomainEventMetadata {
  const result: DomainEventMetadata = { tenantId: metadata.tenantId };
  if (metadata.correlationId !== undefined) result.correlationId = metadata.correlationId;
  if (metadata.causationId !== undefined) result.causationId = metadata.causationId;
  if (metadata.actor !== undefined) result.actor = metadata.actor;
  return result;
}

/**
 * Returns a copy of `value` without the keys whose value is `undefined`, so optional fields of
 * event data are omitted instead of stored as `undefined`.
 */
export function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, member]) => member !== undefined),
  ) as T;
}

/**
 * The exhaustiveness check at the end of a `decide` switch: a compile error when a command type
 * is not handled, and a loud failure if something untyped slips through at run time.
 */
export function unhandledCommand(command: never): never {
  const type = (command as { type?: unknown } | null)?.type;
  throw new Error(`No decision is defined for command type ${String(type)}`);
}
