import type { ReplayKind } from '../jobs/replay-job';
import type { ReplayRequester } from '../start-replay/replay-requester';

/**
 * A replay's progress (`GET /admin/replays/{id}`), as the requester may see it; with `kind`
 * (`GET /admin/reconciliations/{id}`), only a job of that kind is found.
 */
export class GetReplayJob {
  constructor(
    readonly requester: ReplayRequester,
    readonly replayId: string,
    readonly kind?: ReplayKind,
  ) {}
}
