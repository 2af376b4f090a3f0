import { foldStream, type Decider, type FoldedStream } from './decider';
import type { EventDecoder, RecordedEvent } from './event-decoding';

/**
 * What reading a stream needs of an event store (its `EventStore` port fits): the domain states it
 * without depending on the store.
 */
export type StreamReader = {
  readWholeStream(streamId: string, fromVersion?: number): AsyncIterable<RecordedEvent>;
};

export type ReadStreamOptions = {
  /** Stop after this version (e.g. the state right after one event); the whole stream otherwise. */
  toVersion?: number;
};

/**
 * Reads a stream from version 1 and folds it, each event decoded on the way: the one typed read of
 * a stream, for command handlers and for every reader that needs an aggregate's state.
 */
export async function readStream<TCommand, TEvent, TState>(
  reader: StreamReader,
  decider: Decider<TCommand, TEvent, TState>,
  decode: EventDecoder<TEvent>,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<FoldedStream<TEvent, TState>> {
  const recorded: RecordedEvent[] = [];
  for await (const event of reader.readWholeStream(streamId)) {
    if (options.toVersion !== undefined && event.version > options.toVersion) break;
    recorded.push(event);
  }
  return foldStream(decider, decode, recorded);
}
