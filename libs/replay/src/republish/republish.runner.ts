import { randomUUID } from 'node:crypto';
import type { BusEnvelope } from '@ledger/bus';
import { integrationEventsOf } from '@ledger/contracts';
import { ValidationFailedError } from '@ledger/errors';
import type { EventStore, GlobalEventLog, StoredEvent } from '@ledger/event-store';
import {
  foldPaymentStream,
  parsePaymentStreamId,
  readPaymentStream,
  type PaymentState,
} from '@ledger/ledger';
import type { ReplayJob, ReplayJobs, ReplayScope } from '../jobs/replay-job';
import type { ReplayDelivery } from './replay-delivery.port';
import { toBusEnvelope } from './republish.envelope';
import { DEFAULT_REPUBLISH_RATE } from './republish.job';
import { TokenBucket, type RateLimiter } from './token-bucket';

/** How far a republish got; handed to `onProgress` after every event in scope. */
export interface RepublishProgress {
  replayId: string;
  /** Events in scope examined so far, this run and earlier runs of the same job. */
  processed: number;
  /** Events in scope; absent in a dry run and while counting. */
  total?: number;
  /** Events delivered (in a dry run: that would be). */
  delivered: number;
  checkpoint?: string;
}

export interface RepublishOptions {
  /** The global log it re-delivers from, and the streams it folds to know each payment. */
  store: EventStore & GlobalEventLog;
  delivery: ReplayDelivery;
  jobs: ReplayJobs;
  /** The job record, already created; a resume passes the stored one as it is. */
  job: ReplayJob;
  /** Overrides the job's rate (e.g. a resume asked to go slower). */
  ratePerSecond?: number;
  /** The integration events' `source`; the contract default when absent. */
  source?: string;
  /** What the target rule's pattern selects; the rest is skipped rather than refused by the bus. */
  selects?: (envelope: BusEnvelope) => boolean;
  onProgress?: (progress: RepublishProgress) => void;
  /** Aborting stops after the delivery in flight and saves the checkpoint (status interrupted). */
  signal?: AbortSignal;
  account?: string;
  region?: string;
  clock?: () => Date;
  newEnvelopeId?: () => string;
  limiter?: RateLimiter;
  /** Progress is saved every this many events or milliseconds, whichever comes first. */
  saveEvery?: { events?: number; ms?: number };
}

/**
 * Re-delivers the integration events of a job's scope to its one target rule, marked
 * `replay: true`, in global order (so each payment's events arrive in stream order), paced to
 * the job's rate. Saves progress as it goes; a job passed again resumes after its checkpoint.
 * Settles the job as completed, interrupted or failed and returns its final record.
 */
export async function republish(options: RepublishOptions): Promise<ReplayJob> {
  const { store, delivery, jobs, signal } = options;
  const clock = options.clock ?? (() => new Date());
  const newEnvelopeId = options.newEnvelopeId ?? randomUUID;
  let job = options.job;
  if (job.kind !== 'republish' || job.target === undefined || job.target === '') {
    throw new ValidationFailedError(`Replay ${job.replayId} is not a republish with a target rule`);
  }
  if (job.status === 'completed') return job;

  const rule = job.target;
  const dryRun = job.dryRun;
  // An open range is closed where the job started, so a resume covers the same events.
  // A tenant's job reads only its own events: nothing it counts or checkpoints is another's.
  const range = {
    from: job.scope.from,
    to: job.scope.to ?? job.startedAt,
    tenantId: job.scope.tenantId,
  };
  const rate = options.ratePerSecond ?? job.ratePerSecond ?? DEFAULT_REPUBLISH_RATE;
  const limiter = options.limiter ?? new TokenBucket({ ratePerSecond: rate });
  const inScope = streamFilter(job.scope);
  const wanted = job.scope.detailTypes === undefined ? undefined : new Set(job.scope.detailTypes);
  const saveEveryEvents = options.saveEvery?.events ?? 100;
  const saveEveryMs = options.saveEvery?.ms ?? 1_000;

  const previous = job.result ?? {};
  const byDetailType = { ...countsOf(dryRun ? previous.wouldDeliver : previous.byDetailType) };
  let delivered = Object.values(byDetailType).reduce((sum, n) => sum + n, 0);
  let skipped = typeof previous.skipped === 'number' ? previous.skipped : 0;
  let processed = job.processed;
  let checkpoint = job.checkpoint;
  let total = job.total;

  const result = (): Record<string, unknown> =>
    dryRun
      ? { wouldDeliver: { ...byDetailType }, skipped }
      : { delivered, byDetailType: { ...byDetailType }, skipped };
  const save = async (
    changes: Partial<ReplayJob> = {},
    remove?: ReadonlyArray<keyof ReplayJob>,
  ): Promise<ReplayJob> => {
    const update: Partial<ReplayJob> = {
      processed,
      checkpoint,
      updatedAt: clock().toISOString(),
      result: result(),
      ...changes,
    };
    await jobs.update(job.replayId, update, remove);
    job = { ...job, ...update };
    for (const field of remove ?? []) delete job[field];
    return job;
  };
  const interrupted = () => save({ status: 'interrupted' });
  const progress = (): void =>
    options.onProgress?.({ replayId: job.replayId, processed, total, delivered, checkpoint });

  // A resumed job runs again: the error of an earlier failed run no longer describes it.
  await save({ status: 'running', ratePerSecond: rate }, ['error']);
  try {
    // A dry run is itself the count, so it does not read the range twice.
    if (total === undefined && !dryRun) {
      let counted = 0;
      for await (const event of store.readAll(range)) {
        if (signal?.aborted) return await interrupted();
        if (inScope(event.streamId)) counted += 1;
      }
      total = counted;
      await save({ total });
    }

    const folds = new PaymentFolds(store);
    let sinceSave = 0;
    let savedAt = Date.now();
    for await (const event of store.readAll({ ...range, after: checkpoint })) {
      if (signal?.aborted) break;
      const examined = inScope(event.streamId);
      if (examined) {
        const stateAfter = await folds.after(event);
        // A state event carrying its delivery's link publishes that webhook.received first.
        const published = integrationEventsOf(event, stateAfter, {
          source: options.source,
          replay: true,
        });
        let aborted = false;
        for (const integration of published.length === 0 ? [undefined] : published) {
          const envelope =
            integration === undefined || (wanted && !wanted.has(integration.detailType))
              ? undefined
              : toBusEnvelope(integration, {
                  id: newEnvelopeId(),
                  time: clock(),
                  account: options.account,
                  region: options.region,
                });
          if (envelope === undefined || (options.selects && !options.selects(envelope))) {
            skipped += 1;
            continue;
          }
          if (!dryRun) {
            // Aborted while waiting: this event is not done, so the checkpoint stays before it
            // (a resume sends what this event already sent again: subscribers dedupe on eventId).
            if (!(await limiter.take(signal))) {
              aborted = true;
              break;
            }
            await delivery.deliver(rule, envelope);
          }
          const detailType = envelope['detail-type'];
          byDetailType[detailType] = (byDetailType[detailType] ?? 0) + 1;
          delivered += 1;
        }
        if (aborted) break;
        processed += 1;
        sinceSave += 1;
      }
      // Deliveries are sequential, so everything up to here is done: a safe resume point.
      checkpoint = event.position;
      if (examined) progress();
      if (sinceSave >= saveEveryEvents || Date.now() - savedAt >= saveEveryMs) {
        await save();
        sinceSave = 0;
        savedAt = Date.now();
      }
    }
    if (signal?.aborted) return await interrupted();
    const finishedAt = clock().toISOString();
    return await save({ status: 'completed', total: total ?? processed, finishedAt });
  } catch (error) {
    await save({ status: 'failed', error: error instanceof Error ? error.message : String(error) });
    return job;
  }
}

/** Keeps payment streams of the scope's tenant and payment; every other stream publishes nothing. */
function streamFilter(scope: ReplayScope): (streamId: string) => boolean {
  return (streamId) => {
    const stream = parsePaymentStreamId(streamId);
    return (
      stream !== undefined &&
      (scope.tenantId === undefined || stream.tenantId === scope.tenantId) &&
      (scope.paymentId === undefined || stream.paymentId === scope.paymentId)
    );
  };
}

function countsOf(value: unknown): Record<string, number> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number',
    ),
  );
}

/**
 * Each payment's state as the global read passes its events. A stream first met after its start
 * (the range or the checkpoint cut it) is folded from the store up to there first, because an
 * integration event needs the state after it, not just the event.
 */
class PaymentFolds {
  private readonly states = new Map<string, { version: number; state: PaymentState }>();

  constructor(private readonly store: EventStore) {}

  async after(event: StoredEvent): Promise<PaymentState> {
    const known = this.states.get(event.streamId);
    const before =
      known !== undefined && known.version === event.version - 1
        ? known
        : event.version === 1
          ? undefined
          : await readPaymentStream(this.store, event.streamId, { toVersion: event.version - 1 });
    const { state } = foldPaymentStream([event], before);
    this.states.set(event.streamId, { version: event.version, state });
    return state;
  }
}
