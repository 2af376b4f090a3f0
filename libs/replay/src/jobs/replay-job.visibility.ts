import { parsePosition } from '@ledger/event-store';
import type { ReplayRequester } from '../start-replay/replay-requester';
import type { ReplayJob } from './replay-job';

/**
 * A job as `requester` may see it, or undefined: an operator sees every job as recorded; a
 * tenant its own tenant's jobs only (not another's, not a store-wide one), without positions
 * outside its tenant.
 */
export function replayJobSeenBy(
  job: ReplayJob | undefined,
  requester: ReplayRequester,
): ReplayJob | undefined {
  if (job === undefined) return undefined;
  if (requester.kind === 'operator') return job;
  return job.scope.tenantId === requester.tenantId
    ? ownPositionsOnly(job, requester.tenantId)
    : undefined;
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
