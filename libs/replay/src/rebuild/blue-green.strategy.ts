import pLimit from 'p-limit';
import { ValidationFailedError } from '@ledger/errors';
import type { GlobalEventLog, StoredEvent } from '@ledger/event-store';
import { DocumentCache } from './document-cache';
import type { RebuildJobRecord } from './rebuild-job.record';
import type {
  ProjectedDocument,
  ProjectionDocuments,
  RebuildableProjection,
} from './rebuildable-projection';
import { refoldStream, versionsOf, type StreamReader } from './refold-stream';

/**
 * Documents a blue/green run keeps after writing them, so a stream spread over several chunks is
 * not read back; beyond it the oldest are dropped and read again when needed (about 2 KB each).
 */
const DOCUMENT_CACHE_SIZE = 50_000;

/** What a blue/green rebuild reads: the time-index shards, the global order, single streams. */
export type BlueGreenSource = Pick<GlobalEventLog, 'readShards' | 'readAll'> & StreamReader;

export interface BlueGreenOptions {
  /** Events per checkpoint, per shard reader. */
  chunkSize: number;
  /** Streams folded at once, shared among the shard readers. */
  concurrency: number;
  signal?: AbortSignal;
  /** Waits `ms` (a timer; tests give fake ones). */
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** What the catch-up of a blue/green rebuild re-folded: events since the start, their streams. */
export interface CaughtUp {
  events: number;
  payments: number;
}

/**
 * Builds generation `job.generation` beside the live one, which keeps serving, while the
 * projector keeps the new generation current: a bulk phase over the time-index shards in
 * parallel with unconditional batch writes and a checkpoint per shard, then a catch-up that
 * re-folds, conditionally, every stream changed since the job started. Returns what the catch-up
 * did; undefined when interrupted.
 *
 * The catch-up starts only once every reader of the generation pointer must have seen the new
 * generation (`generations.propagationMs` after it was announced, or after this run found it
 * announced): from then on the projector writes every later event into the new generation too,
 * and everything recorded before that is read by the catch-up.
 */
export async function rebuildBlueGreen<TDocument extends ProjectedDocument>(
  store: BlueGreenSource,
  projection: RebuildableProjection<TDocument>,
  record: RebuildJobRecord,
  options: BlueGreenOptions,
): Promise<CaughtUp | undefined> {
  const state = record.state;
  const generation = state.generation;
  if (generation === undefined)
    throw new ValidationFailedError('A blue/green rebuild needs a generation');
  if (state.checkpoint === undefined && state.shardCheckpoints === undefined) {
    const { building } = await projection.generations.current();
    if (building !== generation) await projection.generations.startBuilding(generation);
  }
  // Announced now or by an earlier run of this job: either way, every reader has seen it by then.
  const everyReaderKnows = options.now() + (projection.generations.propagationMs ?? 0);
  const documents = projection.documentsOf(generation);
  // The bulk phase folds what was recorded before the job started; what came later is re-folded
  // by the catch-up, which also repairs whatever the bulk writes overwrote meanwhile.
  const bulkUntil = state.startedAt;
  const stopped = await bulkPhase(store, projection, documents, record, bulkUntil, options);
  if (stopped) return undefined;
  const wait = everyReaderKnows - options.now();
  if (wait > 0) await options.sleep(wait);
  return catchUpSince(store, projection, documents, bulkUntil, options);
}

/** The bulk phase; true when it stopped early (interrupted, or another lane failed). */
async function bulkPhase<TDocument extends ProjectedDocument>(
  store: BlueGreenSource,
  projection: RebuildableProjection<TDocument>,
  documents: ProjectionDocuments<TDocument>,
  record: RebuildJobRecord,
  bulkUntil: string,
  options: BlueGreenOptions,
): Promise<boolean> {
  const state = record.state;
  const cache = new DocumentCache<TDocument>(DOCUMENT_CACHE_SIZE);
  // A job saved with one global checkpoint (an older run) resumes every shard from it: all
  // events up to it are done, whatever their shard.
  const checkpoints: Record<string, string> = { ...state.shardCheckpoints };
  const shardReaders = store.readShards({
    to: bulkUntil,
    after: (shard) => checkpoints[shard] ?? state.checkpoint,
  });
  const failed = new AbortController();
  const stopped = (): boolean => options.signal?.aborted === true || failed.signal.aborted;
  // The streams folded at once are shared out among the shard readers.
  const lanes = Math.max(1, Math.ceil(options.concurrency / shardReaders.length));
  let processed = state.processed;
  const progress = () => ({ processed, shardCheckpoints: { ...checkpoints } });

  const readShard = async (reader: AsyncIterable<StoredEvent>, shard: number): Promise<void> => {
    let chunk: StoredEvent[] = [];
    // One chunk's write is in flight while the next is read and folded; writes and checkpoints
    // still happen in order, so a checkpoint never passes an unwritten chunk.
    let writing: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const done = chunk;
      chunk = [];
      const changed = await foldChunk(store, projection, documents, cache, done, lanes);
      await writing;
      writing = (async () => {
        await documents.overwriteMany(changed);
        processed += done.length;
        checkpoints[shard] = done[done.length - 1].position;
        // Not awaited: the lane goes on. A failed save stops every lane (no checkpoint could be
        // kept any more) and surfaces when the run awaits the record's saves.
        record.saveProgress(progress).catch(() => failed.abort());
      })();
      // Awaited at the next flush or at the end; meanwhile a failure must not go unhandled.
      writing.catch(() => undefined);
    };
    try {
      for await (const event of reader) {
        if (stopped()) break;
        chunk.push(event);
        if (chunk.length >= options.chunkSize) await flush();
      }
      if (!stopped()) await flush();
      await writing;
    } catch (error) {
      failed.abort();
      // Nothing of this lane may still be writing once the run reports its failure.
      await writing.catch(() => undefined);
      throw error;
    }
  };
  const results = await Promise.allSettled(shardReaders.map(readShard));
  await record.settled();
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return stopped();
}

/**
 * The bulk fold of one chunk: per stream, in version order, streams at once. Returns the
 * documents it changed, to be written in one `overwriteMany`, without conditions (the catch-up
 * repairs what that overwrites). A stream that starts in this chunk is folded from nothing
 * without reading first; one seen in an earlier chunk continues from the cached document.
 */
async function foldChunk<TDocument extends ProjectedDocument>(
  store: StreamReader,
  projection: RebuildableProjection<TDocument>,
  documents: ProjectionDocuments<TDocument>,
  cache: DocumentCache<TDocument>,
  chunk: StoredEvent[],
  lanes: number,
): Promise<TDocument[]> {
  const folds = pLimit(lanes);
  const byStream = new Map<string, StoredEvent[]>();
  for (const event of chunk) {
    if (projection.streamOf(event.streamId) === undefined) continue;
    const events = byStream.get(event.streamId);
    if (events === undefined) byStream.set(event.streamId, [event]);
    else events.push(event);
  }
  const changed: TDocument[] = [];
  await Promise.all(
    [...byStream].map(([streamId, events]) =>
      folds(async () => {
        const stored =
          cache.get(streamId) ??
          (events[0].version === 1 ? null : ((await documents.get(streamId)) ?? null));
        const readRange = versionsOf(store, streamId);
        let folded = stored;
        for (const event of events) {
          folded = (await projection.catchUp(folded, event, readRange)) ?? folded;
        }
        if (folded === null) return;
        cache.set(streamId, folded);
        if (folded !== stored) changed.push(folded);
      }),
    ),
  );
  return changed;
}

/**
 * The catch-up: every stream with an event recorded since `since` is folded again whole and
 * written when the generation holds an older version. While the bulk phase ran, the projector
 * kept the new generation current for those streams, and a bulk write may have replaced its
 * newer document; after this, only the projector's conditional writes remain. Undefined when
 * interrupted.
 */
async function catchUpSince<TDocument extends ProjectedDocument>(
  store: BlueGreenSource,
  projection: RebuildableProjection<TDocument>,
  documents: ProjectionDocuments<TDocument>,
  since: string,
  options: BlueGreenOptions,
): Promise<CaughtUp | undefined> {
  const streams = new Set<string>();
  let events = 0;
  for await (const event of store.readAll({ from: since })) {
    if (options.signal?.aborted) return undefined;
    events += 1;
    if (projection.streamOf(event.streamId) !== undefined) streams.add(event.streamId);
  }
  const refolds = pLimit(Math.max(1, options.concurrency));
  await Promise.all(
    [...streams].map((streamId) =>
      refolds(async () => {
        if (options.signal?.aborted) return;
        await refoldStream(store, projection, documents, streamId);
      }),
    ),
  );
  return options.signal?.aborted ? undefined : { events, payments: streams.size };
}
