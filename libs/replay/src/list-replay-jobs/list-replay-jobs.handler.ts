import type { ReplayJob, ReplayJobs } from '../jobs/replay-job';
import { replayJobSeenBy } from '../jobs/replay-job.visibility';
import type { ListReplayJobs } from './list-replay-jobs.query';

/**
 * Handles {@link ListReplayJobs}: a tenant lists its own tenant's jobs only (the store reads that
 * tenant's list, not every job's), an operator every job, store-wide ones included.
 */
export class ListReplayJobsHandler {
  constructor(private readonly jobs: Pick<ReplayJobs, 'recent'>) {}

  async execute({ requester, limit }: ListReplayJobs): Promise<ReplayJob[]> {
    const jobs = await this.jobs.recent({
      ...(requester.kind === 'tenant' && { tenantId: requester.tenantId }),
      limit,
    });
    // The tenant's list holds its own jobs; the same rule as one job's keeps positions its own.
    return jobs.flatMap((job) => replayJobSeenBy(job, requester) ?? []);
  }
}
