import { ValidationFailedError } from '@ledger/errors';
import type { EventStore, StoredEvent } from '@ledger/event-store';
import { parsePaymentStreamId, paymentStreamId } from '@ledger/ledger';
import {
  catchUp,
  evolvePaymentDocument,
  type PaymentDocument,
  type GenerationDocuments,
  type PaymentDocuments,
  type ReadModelGenerations,
  ReadModelContentionError,
} from '@ledger/projections';
import type { ReplayJob, ReplayJobs, ReplayScope } from '../jobs/replay-job';
import { verifyReadModel, type VerifyResult } from './verify-read-model';

/**
 * Documents a blue/green run keeps after writing them, so a stream spread over several chunks is
 * not read back; beyond it the oldest are dropped and read again when needed (about 2 KB each).
 */
const DOCUMENT_CACHE_SIZE = 50_000;

export interface RebuildDependencies {
  store: EventStore;
  jobs: ReplayJobs;
  generations: ReadModelGenerations;
  /** The payment documents of one read-model generation. */
  documentsOf: (generation: string) => GenerationDocuments;
  /** Events in scope, for progress; undefined when it cannot be told cheaply. */
  count?: (scope: ReplayScope) => Promise<number | undefined>;
  clock?: () => Date;
}

export interface RebuildRunOptions {
  /** Events per checkpoint: in place, overall; blue/green, per shard reader (default 500). */
  chunkSize?: number;
  /** Streams folded at once (default 16); blue/green shares them among its shard readers. */
  concurrency?: number;
  /**
   * How long a blue/green rebuild waits after announcing its generation before it reads, so every
   * projector has seen the announcement (default 2.5 s: longer than the pointer cache).
   */
  settleMs?: number;
  signal?: AbortSignal;
  onProgress?: (job: ReplayJob) => void;
  /**
   * Verify a blue/green generation before switching to it (default true). Off only where the
   * caller verifies separately (the benchmark times the build alone).
   */
  verify?: boolean;
}

/** A blue/green rebuild covers the whole read model: a partial one must be made in place. */
export function isWholeScope(scope: ReplayScope): boolean {
  return (
    scope.tenantId === undefined &&
    scope.paymentId === undefined &&
    scope.from === undefined &&
    scope.to === undefined
  );
}

/**
 * Rebuilds the payments read model from the event store with the projection's own `evolve`.
 *
 * - blue/green (default; whole read model only): builds generation `job.generation` beside the live
 *   one, which keeps serving, while the projector keeps the new generation current: a bulk phase
 *   over the time-index shards in parallel with unconditional batch writes and a checkpoint per
 *   shard, then a catch-up that re-folds, conditionally, the payments changed since the job
 *   started (see `catchUpSince`); then verifies it against a fold of the events and switches the
 *   live pointer in one conditional write.
 * - in place (any scope): recomputes the document of each payment in scope from its whole stream
 *   and overwrites it, conditional on the version it replaces.
 *
 * A run resumed from its checkpoints folds each payment from its stored document's version on, so
 * nothing is applied twice.
 */
export async function runRebuild(
  deps: RebuildDependencies,
  job: ReplayJob,
  options: RebuildRunOptions = {},
): Promise<ReplayJob> {
  const clock = deps.clock ?? (() => new Date());
  const mode = job.mode ?? 'blue-green';
  if (mode === 'blue-green' && !isWholeScope(job.scope)) {
    throw new ValidationFailedError(
      'A blue/green rebuild rebuilds the whole read model; rebuild a tenant, a payment or a time range in place',
    );
  }
  // A resumed job runs again: the error of an earlier failed run no longer describes it.
  const { error: _earlierError, ...resumed } = job;
  let state: ReplayJob = { ...resumed, status: 'running', updatedAt: clock().toISOString() };
  const save = async (
    changes: Partial<ReplayJob>,
    remove?: ReadonlyArray<keyof ReplayJob>,
  ): Promise<void> => {
    state = { ...state, ...changes, updatedAt: clock().toISOString() };
    await deps.jobs.update(state.replayId, { ...changes, updatedAt: state.updatedAt }, remove);
    options.onProgress?.(state);
  };
  try {
    if (state.total === undefined && deps.count !== undefined) {
      await save({ status: 'running', total: await deps.count(job.scope) }, ['error']);
    } else {
      await save({ status: 'running' }, ['error']);
    }
    if (state.dryRun) {
      const { events, payments } = await survey(deps.store, job.scope);
      await save({
        status: 'completed',
        processed: events,
        finishedAt: clock().toISOString(),
        result: { dryRun: true, events, payments, mode },
      });
      return state;
    }
    let caughtUp: CaughtUp | undefined;
    if (mode === 'in-place') {
      await rebuildInPlace(deps, job.scope, state, save, options);
    } else {
      caughtUp = await rebuildBlueGreen(deps, state, save, options);
    }
    if (options.signal?.aborted) {
      await save({ status: 'interrupted' });
      return state;
    }
    let verified: VerifyResult | undefined;
    if (mode === 'blue-green') {
      const generation = state.generation as string;
      verified =
        options.verify === false
          ? undefined
          : await verifyReadModel(deps.store, deps.documentsOf(generation));
      if (verified !== undefined && !verified.identical) {
        await save({
          status: 'failed',
          error: 'the new generation does not match the events; not switched',
          result: { verified },
        });
        return state;
      }
      await deps.generations.switchTo(generation);
    }
    await save({
      status: 'completed',
      finishedAt: clock().toISOString(),
      result: {
        mode,
        ...(state.generation && { generation: state.generation }),
        ...(caughtUp && { caughtUp }),
        ...(verified && { verified }),
      },
    });
    return state;
  } catch (error) {
    await save({
      status: 'failed',
      error: error instanceof Error ? error.message : String(error),
    }).catch(() => undefined);
    throw error;
  }
}

async function rebuildBlueGreen(
  deps: RebuildDependencies,
  state: ReplayJob,
  save: (changes: Partial<ReplayJob>) => Promise<void>,
  options: RebuildRunOptions,
): Promise<CaughtUp | undefined> {
  const generation = state.generation;
  if (generation === undefined)
    throw new ValidationFailedError('A blue/green rebuild needs a generation');
  if (state.checkpoint === undefined && state.shardCheckpoints === undefined) {
    const { building } = await deps.generations.current();
    if (building !== generation) await deps.generations.startBuilding(generation);
    await new Promise((r) => setTimeout(r, options.settleMs ?? 2500));
  }
  const documents = deps.documentsOf(generation);
  const docs = new DocumentCache(DOCUMENT_CACHE_SIZE);
  // A job saved with one global checkpoint (an older run) resumes every shard from it: all
  // events up to it are done, whatever their shard.
  const checkpoints: Record<string, string> = { ...state.shardCheckpoints };
  // The bulk phase folds what was recorded before the job started; what came later is re-folded
  // by the catch-up below, which also repairs whatever the bulk writes overwrote meanwhile.
  const bulkUntil = state.startedAt;
  const shardReaders = deps.store.readShards({
    to: bulkUntil,
    after: (shard) => checkpoints[shard] ?? state.checkpoint,
  });
  const failed = new AbortController();
  const stopped = (): boolean => options.signal?.aborted === true || failed.signal.aborted;
  const lanes = Math.max(1, Math.ceil((options.concurrency ?? 16) / shardReaders.length));
  const chunkSize = options.chunkSize ?? 500;
  let processed = state.processed;
  // Saves run one after the other, each writing the figures of the moment it starts, so progress
  // only moves on; while one is waiting to start, more requests join it instead of queueing.
  let saving: Promise<void> = Promise.resolve();
  let saveQueued = false;
  const saveProgress = (): Promise<void> => {
    if (!saveQueued) {
      saveQueued = true;
      saving = saving.then(() => {
        saveQueued = false;
        return save({ processed, shardCheckpoints: { ...checkpoints } });
      });
    }
    return saving;
  };

  const readShard = async (reader: AsyncIterable<StoredEvent>, shard: number): Promise<void> => {
    let chunk: StoredEvent[] = [];
    // One chunk's write is in flight while the next is read and folded; writes and checkpoints
    // still happen in order, so a checkpoint never passes an unwritten chunk.
    let writing: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const done = chunk;
      chunk = [];
      const changed = await foldChunk(deps.store, documents, docs, done, lanes);
      await writing;
      writing = (async () => {
        await documents.overwriteMany(changed);
        processed += done.length;
        checkpoints[shard] = done[done.length - 1].position;
        // Not awaited: the lane goes on. A failed save stops every lane (no checkpoint could be
        // kept any more) and surfaces when the run awaits `saving`.
        saveProgress().catch(() => failed.abort());
      })();
      // Awaited at the next flush or at the end; meanwhile a failure must not go unhandled.
      writing.catch(() => undefined);
    };
    try {
      for await (const event of reader) {
        if (stopped()) break;
        chunk.push(event);
        if (chunk.length >= chunkSize) await flush();
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
  await saving;
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  if (stopped()) return undefined;
  return catchUpSince(deps.store, documents, bulkUntil, options);
}

/** What the catch-up of a blue/green rebuild re-folded: events since the start, their payments. */
interface CaughtUp {
  events: number;
  payments: number;
}

/**
 * The blue/green catch-up: every payment with an event recorded since `since` is folded again
 * from its whole stream and written when the generation holds an older version. While the bulk
 * phase ran, the projector kept the new generation current for those payments, and a bulk write
 * may have replaced its newer document; after this, only the projector's conditional writes
 * remain. Returns undefined when interrupted.
 */
async function catchUpSince(
  store: EventStore,
  documents: PaymentDocuments,
  since: string,
  options: RebuildRunOptions,
): Promise<CaughtUp | undefined> {
  const streams = new Set<string>();
  let events = 0;
  for await (const event of store.readAll({ from: since })) {
    if (options.signal?.aborted) return undefined;
    events += 1;
    if (parsePaymentStreamId(event.streamId) !== undefined) streams.add(event.streamId);
  }
  const pending = [...streams];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 16, pending.length) }, async () => {
      while (next < pending.length && !options.signal?.aborted) {
        await refoldStream(store, documents, pending[next++]);
      }
    }),
  );
  return options.signal?.aborted ? undefined : { events, payments: streams.size };
}

/**
 * Folds a payment's whole stream and writes the result over the stored document, conditional on
 * the version it replaces, unless the stored one is newer.
 */
async function refoldStream(
  store: EventStore,
  documents: PaymentDocuments,
  streamId: string,
): Promise<void> {
  const ids = parsePaymentStreamId(streamId)!;
  for (let race = 0; race < 5; race++) {
    let document: PaymentDocument | null = null;
    for await (const event of store.readWholeStream(streamId)) {
      document = evolvePaymentDocument(document, event);
    }
    if (document === null) return;
    const current = await documents.get(ids.tenantId, ids.paymentId);
    // Newer than this fold: the stream moved on meanwhile; read it again.
    if (current !== undefined && current.version > document.version) continue;
    // At the same version too: an in-place rebuild repairs a document that went wrong.
    if (await documents.put(document, current?.version ?? 0)) return;
  }
  throw new ReadModelContentionError(
    streamId,
    `The read model of ${streamId} kept moving during the rebuild`,
  );
}

/** Documents this run wrote, newest last; the oldest go first once `limit` is reached. */
class DocumentCache {
  private readonly entries = new Map<string, PaymentDocument>();

  constructor(private readonly limit: number) {}

  get(streamId: string): PaymentDocument | undefined {
    return this.entries.get(streamId);
  }

  set(streamId: string, document: PaymentDocument): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, document);
    if (this.entries.size > this.limit) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}

/**
 * The bulk fold of one chunk: per payment stream, in version order, streams at once. Returns the
 * documents it changed, to be written in one `overwriteMany`, without conditions (see
 * `catchUpSince` for why that is safe). A stream that starts in this chunk is folded from nothing
 * without reading first; one seen in an earlier chunk continues from the cached document.
 */
async function foldChunk(
  store: EventStore,
  documents: PaymentDocuments,
  docs: DocumentCache,
  chunk: StoredEvent[],
  concurrency: number,
): Promise<PaymentDocument[]> {
  const byStream = new Map<string, StoredEvent[]>();
  for (const event of chunk) {
    if (parsePaymentStreamId(event.streamId) === undefined) continue;
    const events = byStream.get(event.streamId);
    if (events === undefined) byStream.set(event.streamId, [event]);
    else events.push(event);
  }
  const streams = [...byStream.entries()];
  const changed: PaymentDocument[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, streams.length) }, async () => {
    while (next < streams.length) {
      const [streamId, events] = streams[next++];
      const stored =
        docs.get(streamId) ??
        (events[0].version === 1 ? null : await readDocument(documents, streamId));
      const readRange = (from: number, to: number) => readVersions(store, streamId, from, to);
      let folded = stored;
      for (const event of events) folded = (await catchUp(folded, event, readRange)) ?? folded;
      if (folded === null) continue;
      docs.set(streamId, folded);
      if (folded !== stored) changed.push(folded);
    }
  });
  await Promise.all(lanes);
  return changed;
}

async function readDocument(
  documents: PaymentDocuments,
  streamId: string,
): Promise<PaymentDocument | null> {
  const ids = parsePaymentStreamId(streamId)!;
  return (await documents.get(ids.tenantId, ids.paymentId)) ?? null;
}

async function rebuildInPlace(
  deps: RebuildDependencies,
  scope: ReplayScope,
  state: ReplayJob,
  save: (changes: Partial<ReplayJob>) => Promise<void>,
  options: RebuildRunOptions,
): Promise<void> {
  const { live } = await deps.generations.current();
  const documents = deps.documentsOf(live);
  let processed = state.processed;
  const done = new Set<string>();
  const rebuildStream = (streamId: string): Promise<void> =>
    refoldStream(deps.store, documents, streamId);
  if (scope.paymentId !== undefined) {
    if (scope.tenantId === undefined)
      throw new ValidationFailedError('Rebuilding one payment needs its tenant');
    await rebuildStream(paymentStreamId(scope.tenantId, scope.paymentId));
    await save({ processed: processed + 1 });
    return;
  }
  // A tenant's rebuild reads only its own events: what it counts and the checkpoints it keeps
  // never name another tenant's streams.
  for await (const event of deps.store.readAll({
    from: scope.from,
    to: scope.to,
    after: state.checkpoint,
    tenantId: scope.tenantId,
  })) {
    processed += 1;
    if (parsePaymentStreamId(event.streamId) !== undefined && !done.has(event.streamId)) {
      await rebuildStream(event.streamId);
      done.add(event.streamId);
    }
    // Checked after the event, so every run, however short, gets at least one further.
    if (options.signal?.aborted) {
      await save({ processed, checkpoint: event.position });
      return;
    }
    if (processed % 200 === 0) await save({ processed, checkpoint: event.position });
  }
  await save({ processed });
}

async function survey(
  store: EventStore,
  scope: ReplayScope,
): Promise<{ events: number; payments: number }> {
  const streams = new Set<string>();
  let events = 0;
  const reading = store.readAll({ from: scope.from, to: scope.to, tenantId: scope.tenantId });
  for await (const event of reading) {
    const ids = parsePaymentStreamId(event.streamId);
    if (ids === undefined) continue;
    if (scope.paymentId !== undefined && ids.paymentId !== scope.paymentId) continue;
    events += 1;
    streams.add(event.streamId);
  }
  return { events, payments: streams.size };
}

async function readVersions(
  store: EventStore,
  streamId: string,
  from: number,
  to: number,
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of store.readWholeStream(streamId, from)) {
    if (event.version > to) break;
    events.push(event);
  }
  return events;
}
