import { ReadModelContentionError } from '@ledger/projections';
import type { EventStore, StoredEvent } from '@ledger/event-store';
import type {
  ProjectedDocument,
  ProjectionDocuments,
  ProjectionFold,
  ReadRange,
} from './rebuildable-projection';

/** Attempts when the stored document moved on between the fold and the write. */
const MAX_RACES = 5;

/** What a rebuild reads a single stream with. */
export type StreamReader = Pick<EventStore, 'readWholeStream'>;

/**
 * Folds a stream whole and writes the result over the stored document, conditional on the
 * version it replaces, unless the stored one is newer. At the same version it still writes: an
 * in-place rebuild repairs a document that went wrong. Returns how many events the fold read.
 */
export async function refoldStream<TDocument extends ProjectedDocument>(
  store: StreamReader,
  projection: ProjectionFold<TDocument>,
  documents: Pick<ProjectionDocuments<TDocument>, 'get' | 'put'>,
  streamId: string,
): Promise<number> {
  for (let race = 0; race < MAX_RACES; race++) {
    let document: TDocument | null = null;
    let events = 0;
    for await (const event of store.readWholeStream(streamId)) {
      document = projection.evolve(document, event);
      events += 1;
    }
    if (document === null) return events;
    const current = await documents.get(streamId);
    // Newer than this fold: the stream moved on meanwhile; read it again.
    if (current !== undefined && current.version > document.version) continue;
    if (await documents.put(document, current?.version ?? 0)) return events;
  }
  throw new ReadModelContentionError(
    streamId,
    `The read model of ${streamId} kept moving during the rebuild`,
  );
}

/** Versions `from..to` of one stream, for a fold that found a gap. */
export function versionsOf(store: StreamReader, streamId: string): ReadRange {
  return async (from, to) => {
    const events: StoredEvent[] = [];
    for await (const event of store.readWholeStream(streamId, from)) {
      if (event.version > to) break;
      events.push(event);
    }
    return events;
  };
}
