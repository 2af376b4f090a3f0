import { NotFoundError } from '@ledger/errors';
import type { ReplayJob, ReplayJobs } from '../jobs/replay-job';
import { replayJobSeenBy } from '../jobs/replay-job.visibility';
import type { GetReplayJob } from './get-replay-job.query';

/**
 * Handles {@link GetReplayJob}: a tenant sees its own tenant's replays only (another's is not
 * found), an operator every replay.
 */
export class GetReplayJobHandler {
  constructor(private readonly jobs: Pick<ReplayJobs, 'get'>) {}

  async execute({ requester, replayId, kind }: GetReplayJob): Promise<ReplayJob> {
    const job = replayJobSeenBy(await this.jobs.get(replayId), requester);
    if (kind === 'reconcile' && job?.kind !== 'reconcile') {
      throw new NotFoundError('No such reconciliation', 'reconciliation_not_found');
    }
    if (job === undefined || (kind !== undefined && job.kind !== kind)) {
      throw new NotFoundError('No such replay', 'replay_not_found');
    }
    return job;
  }
}
