import { ValidationFailedError } from '@ledger/errors';
import type { EventStore, StoredEvent } from '@ledger/event-store';
import { parsePaymentStreamId, paymentStreamId } from '@ledger/ledger';
import {
  catchUp,
  evolvePaymentDocument,
  type PaymentDocument,
  type PaymentDocuments,
  type ReadModelGenerations,
} from '@ledger/projections';
import type { ReplayJob, ReplayJobs, ReplayScope } from '../jobs/replay-job';
import { verifyReadModel, type VerifyResult } from './verify-read-model';

export interface RebuildDependencies {
  store: EventStore;
  jobs: ReplayJobs;
  generations: ReadModelGenerations;
  /** The payment documents of one read-model generation. */
  documentsOf: (generation: string) => PaymentDocuments;
  /** Events in scope, for progress; undefined when it cannot be told cheaply. */
  count?: (scope: ReplayScope) => Promise<number | undefined>;
  clock?: () => Date;
}

export interface RebuildRunOptions {
  /** Events per checkpoint (default 500). */
  chunkSize?: number;
  /** Streams folded at once within a chunk (default 16). */
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
 *   one, which keeps serving, from the global order of the time index, checkpointing every chunk;
 *   the projector keeps the new generation current meanwhile; then verifies it against a fold of
 *   the events and switches the live pointer in one conditional write.
 * - in place (any scope): recomputes the document of each payment in scope from its whole stream
 *   and overwrites it, conditional on the version it replaces.
 *
 * Every write is conditional on a version, so a run resumed from its checkpoint applies nothing
 * twice.
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
  let state: ReplayJob = { ...job, status: 'running', updatedAt: clock().toISOString() };
  const save = async (changes: Partial<ReplayJob>): Promise<void> => {
    state = { ...state, ...changes, updatedAt: clock().toISOString() };
    await deps.jobs.update(state.replayId, { ...changes, updatedAt: state.updatedAt });
    options.onProgress?.(state);
  };
  try {
    if (state.total === undefined && deps.count !== undefined) {
      await save({ status: 'running', total: await deps.count(job.scope) });
    } else {
      await save({ status: 'running' });
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
    if (mode === 'in-place') {
      await rebuildInPlace(deps, job.scope, state, save, options);
    } else {
      await rebuildBlueGreen(deps, state, save, options);
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
): Promise<void> {
  const generation = state.generation;
  if (generation === undefined)
    throw new ValidationFailedError('A blue/green rebuild needs a generation');
  if (state.checkpoint === undefined) {
    const { building } = await deps.generations.current();
    if (building !== generation) await deps.generations.startBuilding(generation);
    await new Promise((r) => setTimeout(r, options.settleMs ?? 2500));
  }
  const documents = deps.documentsOf(generation);
  const docs = new Map<string, PaymentDocument>();
  let processed = state.processed;
  let chunk: StoredEvent[] = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    await foldChunk(deps.store, documents, docs, chunk, options.concurrency ?? 16);
    processed += chunk.length;
    await save({ processed, checkpoint: chunk[chunk.length - 1].position });
    chunk = [];
  };
  for await (const event of deps.store.readAll({ after: state.checkpoint })) {
    if (options.signal?.aborted) break;
    chunk.push(event);
    if (chunk.length >= (options.chunkSize ?? 500)) await flush();
  }
  if (!options.signal?.aborted) await flush();
}

/**
 * Folds one chunk into the generation: per payment stream, in version order, streams at once; one
 * conditional write per stream and chunk. A lost race (the projector wrote the same document)
 * re-reads and folds again.
 */
async function foldChunk(
  store: EventStore,
  documents: PaymentDocuments,
  docs: Map<string, PaymentDocument>,
  chunk: StoredEvent[],
  concurrency: number,
): Promise<void> {
  const byStream = new Map<string, StoredEvent[]>();
  for (const event of chunk) {
    if (parsePaymentStreamId(event.streamId) === undefined) continue;
    byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
  }
  const streams = [...byStream.entries()];
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, streams.length) }, async () => {
    while (next < streams.length) {
      const [streamId, events] = streams[next++];
      const ids = parsePaymentStreamId(streamId)!;
      const readRange = (from: number, to: number) => readVersions(store, streamId, from, to);
      for (let race = 0; race < 5; race++) {
        const stored =
          docs.get(streamId) ?? (await documents.get(ids.tenantId, ids.paymentId)) ?? null;
        let folded = stored;
        for (const event of events) folded = (await catchUp(folded, event, readRange)) ?? folded;
        if (folded === null || folded === stored) {
          if (folded !== null) docs.set(streamId, folded);
          break;
        }
        if (await documents.put(folded, stored?.version ?? 0)) {
          docs.set(streamId, folded);
          break;
        }
        docs.delete(streamId);
      }
    }
  });
  await Promise.all(lanes);
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
  const rebuildStream = async (streamId: string): Promise<void> => {
    const ids = parsePaymentStreamId(streamId)!;
    for (let race = 0; race < 5; race++) {
      let document: PaymentDocument | null = null;
      for await (const event of deps.store.readWholeStream(streamId)) {
        document = evolvePaymentDocument(document, event);
      }
      if (document === null) return;
      const current = await documents.get(ids.tenantId, ids.paymentId);
      if (current !== undefined && current.version > document.version) continue;
      if (await documents.put(document, current?.version ?? 0)) return;
    }
    throw new Error(`The read model of ${streamId} kept moving during the rebuild`);
  };
  if (scope.paymentId !== undefined) {
    if (scope.tenantId === undefined)
      throw new ValidationFailedError('Rebuilding one payment needs its tenant');
    await rebuildStream(paymentStreamId(scope.tenantId, scope.paymentId));
    await save({ processed: processed + 1 });
    return;
  }
  for await (const event of deps.store.readAll({
    from: scope.from,
    to: scope.to,
    after: state.checkpoint,
  })) {
    if (options.signal?.aborted) return;
    processed += 1;
    const ids = parsePaymentStreamId(event.streamId);
    const inScope =
      ids !== undefined && (scope.tenantId === undefined || ids.tenantId === scope.tenantId);
    if (inScope && !done.has(event.streamId)) {
      await rebuildStream(event.streamId);
      done.add(event.streamId);
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
  for await (const event of store.readAll({ from: scope.from, to: scope.to })) {
    const ids = parsePaymentStreamId(event.streamId);
    if (ids === undefined) continue;
    if (scope.tenantId !== undefined && ids.tenantId !== scope.tenantId) continue;
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
