import type { NewEvent, StreamHead } from '../event';
import type { AppendResult, EventStore } from '../event-store.port';
import { retryOnConflict } from './retry-on-conflict';

/** A pure aggregate as `handleCommand` needs it (the ledger's deciders have this shape). */
export interface CommandDecider<TCommand, TEvent, TState> {
  decide(command: TCommand, state: TState): TEvent[];
  evolve(state: TState, event: TEvent): TState;
  initialState(): TState;
}

export interface HandledCommand<TState> {
  /** The state after the command's events (unchanged when it decided nothing). */
  state: TState;
  /** The stream version the state reflects. */
  version: number;
  /** What was appended; undefined when `decide` returned no events. */
  appended?: AppendResult;
}

export interface HandleCommandOptions {
  idempotencyKey?: string;
  /** Attempts when another writer wins the race for the next version (default 5). */
  maxAttempts?: number;
}

/**
 * Load, decide, append: reads the whole stream, folds it with `evolve`, asks `decide`, and appends
 * the result conditionally on the version it read. A lost race re-runs the whole command on fresh
 * state, a bounded number of times.
 */
export function handleCommand<TCommand, TEvent extends NewEvent, TState>(
  store: EventStore,
  decider: CommandDecider<TCommand, TEvent, TState>,
  streamId: string,
  command: TCommand,
  options: HandleCommandOptions = {},
): Promise<HandledCommand<TState>> {
  return retryOnConflict(
    async () => {
      let state = decider.initialState();
      let head: StreamHead | undefined;
      for await (const stored of store.readWholeStream(streamId)) {
        // Stored events carry the domain event's type, data and metadata, plus store fields.
        state = decider.evolve(state, stored as unknown as TEvent);
        head = { version: stored.version, recordedAt: stored.recordedAt };
      }
      const events = decider.decide(command, state);
      if (events.length === 0) return { state, version: head?.version ?? 0 };
      const appended = await store.append(streamId, head?.version ?? 0, events, {
        idempotencyKey: options.idempotencyKey,
        head,
      });
      const next = events.reduce((folded, event) => decider.evolve(folded, event), state);
      return { state: next, version: appended.toVersion, appended };
    },
    { maxAttempts: options.maxAttempts },
  );
}
