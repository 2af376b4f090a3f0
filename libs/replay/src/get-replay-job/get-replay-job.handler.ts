import { NotFoundError } from '@ledger/errors';
import { parsePosition } from '@ledger/event-store';
import type { ReplayJob, ReplayJobs } from '../jobs/replay-job';
import type { GetReplayJob } from './get-replay-job.query';

/**
 * Handles {@link GetReplayJob}: a tenant sees its own tenant's replays only (another's is not
 * found), an operator every replay.
 */
export class GetReplayJobHandler {
  constructor(private readonly jobs: Pick<ReplayJobs, 'get'>) {}

  async execute({ requester, replayId }: GetReplayJob): Promise<ReplayJob> {
    const job = await this.jobs.get(replayId);
    const visible =
      job !== undefined &&
      (requester.kind === 'operator' || job.scope.tenantId === requester.tenantId);
    if (!visible) throw new NotFoundError('No such replay', 'replay_not_found');
    return requester.kind === 'tenant' ? ownPositionsOnly(job, requester.tenantId) : job;
  }
}

/**
 * A tenant's job as the tenant may see it. Jobs read only their tenant's events, so their
 * checkpoints are the tenant's own; records written before that rule may hold a position in
 * another tenant's stream, which is left out rather than shown.
 */
function ownPositionsOnly(job: ReplayJob, tenantId: string): ReplayJob {
  const own = (position: string): boolean => {
    try {
      return parsePosition(position).streamId.startsWith(`${tenantId}#`);
    } catch {
      return false;
    }
  };
  const { checkpoint, shardCheckpoints, ...rest } = job;
  const shards = Object.entries(shardCheckpoints ?? {}).filter(([, position]) => own(position));
  return {
    ...rest,
    ...(checkpoint !== undefined && own(checkpoint) && { checkpoint }),
    ...(shards.length > 0 && { shardCheckpoints: Object.fromEntries(shards) }),
  };
}
