import {
  retryOnConflict,
  type AppendResult,
  type EventStore,
  type NewEvent,
} from '@ledger/event-store';
import { foldEvents, type Decider } from './decider';
import type { EventDecoder } from './event-decoding';
import { readStream } from './read-stream';

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
 * Load, decide, append: reads the whole stream, each stored event checked by `decode` (an event
 * that does not decode is refused with its `EventUndecodableError` and nothing is appended), folds
 * it with `evolve`, asks `decide`, and appends the result conditionally on the version it read. A
 * lost race re-runs the whole command on fresh state, a bounded number of times.
 */
export function handleCommand<TCommand, TEvent extends NewEvent, TState>(
  store: EventStore,
  decider: Decider<TCommand, TEvent, TState>,
  decode: EventDecoder<TEvent>,
  streamId: string,
  command: TCommand,
  options: HandleCommandOptions = {},
): Promise<HandledCommand<TState>> {
  return retryOnConflict(
    async () => {
      const read = await readStream(store, decider, decode, streamId);
      const events = decider.decide(command, read.state);
      if (events.length === 0) return { state: read.state, version: read.version };
      const head =
        read.recordedAt === undefined
          ? undefined
          : { version: read.version, recordedAt: read.recordedAt };
      const appended = await store.append(streamId, read.version, events, {
        idempotencyKey: options.idempotencyKey,
        head,
      });
      return {
        state: foldEvents(decider, events, read.state),
        version: appended.toVersion,
        appended,
      };
    },
    { maxAttempts: options.maxAttempts },
  );
}
