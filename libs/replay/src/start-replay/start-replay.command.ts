import type { ReplayKind, ReplayScope } from '../jobs/replay-job';
import type { ReplayRequester } from './replay-requester';

/** What a replay request asks for (`POST /admin/replays`). */
export interface ReplayRequest {
  kind: ReplayKind;
  /** Within the tenant the replay covers; `tenantId` is decided by the handler, not taken here. */
  scope?: Omit<ReplayScope, 'tenantId'>;
  /** Republish: the rule to re-deliver to. */
  rule?: string;
  ratePerSecond?: number;
  dryRun?: boolean;
  /** Reconcile: the selection and concurrency (the caller fills in the defaults). */
  reconcile?: { statuses: string[]; olderThanSeconds: number; concurrency: number };
  /** Operator only: the tenant to replay (a tenant may name itself). */
  tenantId?: string;
  /** Operator only: every tenant of the store. */
  storeWide?: boolean;
}

/** Record a replay (rebuild, republish or a bulk reconcile) and start it in the background. */
export class StartReplay {
  constructor(
    readonly requester: ReplayRequester,
    readonly request: ReplayRequest,
  ) {}
}
