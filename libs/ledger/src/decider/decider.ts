/**
 * The decider pattern (as in event-driven-io/emmett): a pure aggregate is three functions.
 * `decide` turns a command and the current state into new events (or throws a `LedgerError`),
 * `evolve` folds one event into the state, `initialState` is the state of an empty stream.
 * Nothing here reads a clock or does I/O; a command handler loads the stream, folds it, decides,
 * and appends what `decide` returned.
 */

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

/** Folds `events` into the decider's initial state (what a command handler does after a read). */
export function foldEvents<TCommand, TEvent, TState>(
  decider: Decider<TCommand, TEvent, TState>,
  events: Iterable<TEvent>,
): TState {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
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
