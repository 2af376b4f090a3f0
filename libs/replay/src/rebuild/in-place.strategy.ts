import { ValidationFailedError } from '@ledger/errors';
import type { GlobalEventLog } from '@ledger/event-store';
import type { ReplayScope } from '../jobs/replay-job';
import type { RebuildJobRecord } from './rebuild-job.record';
import type { ProjectedDocument, RebuildableProjection } from './rebuildable-projection';
import { refoldStream, type StreamReader } from './refold-stream';

/** Events between two checkpoints of an in-place rebuild. */
const CHECKPOINT_EVERY = 200;

/** What an in-place rebuild reads: the global order (of a tenant) and single streams. */
export type InPlaceSource = Pick<GlobalEventLog, 'readAll'> & StreamReader;

/**
 * Rebuilds the live generation in place, for any scope: recomputes the document of each stream
 * in scope from the whole stream and overwrites it, conditional on the version it replaces.
 * Checkpoints every 200 events, and where it stops when `signal` aborts.
 */
export async function rebuildInPlace<TDocument extends ProjectedDocument>(
  store: InPlaceSource,
  projection: RebuildableProjection<TDocument>,
  record: RebuildJobRecord,
  scope: ReplayScope,
  signal?: AbortSignal,
): Promise<void> {
  const { live } = await projection.generations.current();
  const documents = projection.documentsOf(live);
  const rebuildStream = (streamId: string): Promise<number> =>
    refoldStream(store, projection, documents, streamId);
  let processed = record.state.processed;
  if (scope.paymentId !== undefined) {
    if (scope.tenantId === undefined)
      throw new ValidationFailedError('Rebuilding one payment needs its tenant');
    // Progress counts the events read, as elsewhere: here those of the payment's stream.
    const events = await rebuildStream(projection.streamIdOf(scope.tenantId, scope.paymentId));
    await record.save({ processed: processed + events });
    return;
  }
  const done = new Set<string>();
  // A tenant's rebuild reads only its own events: what it counts and the checkpoints it keeps
  // never name another tenant's streams.
  for await (const event of store.readAll({
    from: scope.from,
    to: scope.to,
    after: record.state.checkpoint,
    tenantId: scope.tenantId,
  })) {
    processed += 1;
    if (projection.streamOf(event.streamId) !== undefined && !done.has(event.streamId)) {
      await rebuildStream(event.streamId);
      done.add(event.streamId);
    }
    // Checked after the event, so every run, however short, gets at least one further.
    if (signal?.aborted) {
      await record.save({ processed, checkpoint: event.position });
      return;
    }
    if (processed % CHECKPOINT_EVERY === 0) {
      await record.save({ processed, checkpoint: event.position });
    }
  }
  await record.save({ processed });
}
