import { setTimeout as sleep } from 'node:timers/promises';
import { ValidationFailedError } from '@ledger/errors';
import type { ReplayJob, ReplayJobs, ReplayScope } from '../jobs/replay-job';
import { rebuildBlueGreen, type BlueGreenSource, type CaughtUp } from './blue-green.strategy';
import { rebuildInPlace, type InPlaceSource } from './in-place.strategy';
import { RebuildJobRecord } from './rebuild-job.record';
import type { ProjectedDocument, RebuildableProjection } from './rebuildable-projection';
import { verifyProjection, type VerifyResult } from './verify-read-model';

/** What a rebuild reads: the time-index shards, the global order, single streams. */
export type RebuildSource = BlueGreenSource & InPlaceSource;

export interface RebuildDependencies<TDocument extends ProjectedDocument = ProjectedDocument> {
  store: RebuildSource;
  jobs: ReplayJobs;
  /** The projection rebuilt: which streams it folds, how, and where its documents go. */
  projection: RebuildableProjection<TDocument>;
  /**
   * Events in scope, for progress (every event in the bounds, of the tenant when scoped); undefined
   * when it cannot be told cheaply. Not asked for one payment: its stream is counted instead.
   */
  count?: (scope: ReplayScope) => Promise<number | undefined>;
  clock?: () => Date;
  /** Waits `ms`; a timer unless a test gives a fake one. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RebuildRunOptions {
  /** Events per checkpoint: in place, overall; blue/green, per shard reader (default 500). */
  chunkSize?: number;
  /** Streams folded at once (default 16); blue/green shares them among its shard readers. */
  concurrency?: number;
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
 * Rebuilds a projection's read model from the event store with the projection's own `evolve`.
 *
 * - blue/green (default; whole read model only): builds generation `job.generation` beside the
 *   live one, then verifies it against a fold of the events and switches the live pointer in one
 *   conditional write (see `rebuildBlueGreen`).
 * - in place (any scope): recomputes the document of each stream in scope from its whole stream
 *   and overwrites it, conditional on the version it replaces (see `rebuildInPlace`).
 *
 * A run resumed from its checkpoints folds each stream from its stored document's version on, so
 * nothing is applied twice.
 */
export async function runRebuild<TDocument extends ProjectedDocument>(
  deps: RebuildDependencies<TDocument>,
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
  const record = new RebuildJobRecord(deps.jobs, job, clock, options.onProgress);
  try {
    const total = record.state.total === undefined ? await scopeTotal(deps, job.scope) : undefined;
    if (total !== undefined) {
      await record.save({ status: 'running', total }, ['error']);
    } else {
      await record.save({ status: 'running' }, ['error']);
    }
    if (record.state.dryRun) {
      const { read, events, payments } = await survey(deps, job.scope);
      await record.save({
        status: 'completed',
        processed: read,
        finishedAt: clock().toISOString(),
        result: { dryRun: true, events, payments, mode },
      });
      return record.state;
    }
    let caughtUp: CaughtUp | undefined;
    if (mode === 'in-place') {
      await rebuildInPlace(deps.store, deps.projection, record, job.scope, options.signal);
    } else {
      caughtUp = await rebuildBlueGreen(deps.store, deps.projection, record, {
        chunkSize: options.chunkSize ?? 500,
        concurrency: options.concurrency ?? 16,
        signal: options.signal,
        sleep: deps.sleep ?? ((ms) => sleep(ms)),
        now: () => clock().getTime(),
      });
    }
    if (options.signal?.aborted) {
      await record.save({ status: 'interrupted' });
      return record.state;
    }
    let verified: VerifyResult | undefined;
    const generation = record.state.generation;
    if (mode === 'blue-green' && generation !== undefined) {
      verified =
        options.verify === false
          ? undefined
          : await verifyProjection(
              deps.store,
              deps.projection,
              deps.projection.documentsOf(generation),
            );
      if (verified !== undefined && !verified.identical) {
        await record.save({
          status: 'failed',
          error: 'the new generation does not match the events; not switched',
          result: { verified },
        });
        return record.state;
      }
      await deps.projection.generations.switchTo(generation);
    }
    await record.save({
      status: 'completed',
      finishedAt: clock().toISOString(),
      result: {
        mode,
        ...(generation && { generation }),
        ...(caughtUp && { caughtUp }),
        ...(verified && { verified }),
      },
    });
    return record.state;
  } catch (error) {
    await record
      .save({ status: 'failed', error: error instanceof Error ? error.message : String(error) })
      .catch(() => undefined);
    throw error;
  }
}

/**
 * The events a rebuild of `scope` reads, which its progress counts: one payment's stream, else
 * every event in the bounds (what `deps.count` tells).
 */
async function scopeTotal<TDocument extends ProjectedDocument>(
  deps: RebuildDependencies<TDocument>,
  scope: ReplayScope,
): Promise<number | undefined> {
  if (scope.paymentId !== undefined && scope.tenantId !== undefined) {
    let events = 0;
    const streamId = deps.projection.streamIdOf(scope.tenantId, scope.paymentId);
    // The rebuild folds the stream whole, whatever the bounds.
    for await (const _event of deps.store.readWholeStream(streamId)) events += 1;
    return events;
  }
  return deps.count?.(scope);
}

/**
 * What a dry run reports: the events and streams of the projection in scope. `read` counts every
 * event read, as the progress of a rebuild of the same scope does (its total is the same figure).
 */
async function survey<TDocument extends ProjectedDocument>(
  deps: RebuildDependencies<TDocument>,
  scope: ReplayScope,
): Promise<{ read: number; events: number; payments: number }> {
  const streams = new Set<string>();
  let read = 0;
  let events = 0;
  const reading =
    scope.paymentId !== undefined && scope.tenantId !== undefined
      ? deps.store.readWholeStream(deps.projection.streamIdOf(scope.tenantId, scope.paymentId))
      : deps.store.readAll({ from: scope.from, to: scope.to, tenantId: scope.tenantId });
  for await (const event of reading) {
    read += 1;
    // readAll applies the bounds itself; one payment's stream is read whole.
    if (!inBounds(event.recordedAt, scope)) continue;
    const stream = deps.projection.streamOf(event.streamId);
    if (stream === undefined) continue;
    if (scope.paymentId !== undefined && stream.id !== scope.paymentId) continue;
    events += 1;
    streams.add(event.streamId);
  }
  return { read, events, payments: streams.size };
}

/** Whether an event recorded at `recordedAt` lies in the scope's [from, to). */
function inBounds(recordedAt: string, scope: ReplayScope): boolean {
  return (
    (scope.from === undefined || recordedAt >= scope.from) &&
    (scope.to === undefined || recordedAt < scope.to)
  );
}
