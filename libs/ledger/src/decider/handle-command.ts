import {
  retryOnConflict,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type StreamHead,
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
  /**
   * `false`: the decided events are appended one conditional write at a time, each on the version
   * the previous one left (cheaper: a transaction bills every item twice). Only for a decider whose
   * state says what a partial write still owes, so that the re-run after a lost race or a crash
   * decides just that. Ignored with an `idempotencyKey` (its marker needs the transaction).
   * Default `true`: all or nothing.
   */
  atomic?: boolean;
}

/**
 * Load, decide, append: reads the whole stream, each stored event checked by `decode` (an event
 * that does not decode is refused with its `EventUndecodableError` and nothing is appended), folds
 * it with `evolve`, asks `decide`, and appends the result conditionally on the version it read. A
 * lost race re-runs the whole command on fresh state, a bounded number of times (also after a
 * partial non-atomic append: the re-run sees what was written).
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
      const appended =
        options.atomic === false && options.idempotencyKey === undefined
          ? await appendOneByOne(store, streamId, read.version, events, head)
          : await store.append(streamId, read.version, events, {
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

// Each event its own conditional append; what the store wrote before a failure stays written.
async function appendOneByOne(
  store: EventStore,
  streamId: string,
  fromVersion: number,
  events: readonly NewEvent[],
  head: StreamHead | undefined,
): Promise<AppendResult> {
  const written: AppendResult[] = [];
  let previous = head;
  let version = fromVersion;
  for (const event of events) {
    const result = await store.append(streamId, version, [event], { head: previous });
    written.push(result);
    version = result.toVersion;
    previous = { version, recordedAt: result.recordedAt };
  }
  const last = written[written.length - 1];
  return {
    streamId,
    fromVersion: written[0].fromVersion,
    toVersion: last.toVersion,
    eventIds: written.flatMap((result) => result.eventIds),
    recordedAt: last.recordedAt,
    duplicate: false,
  };
}
