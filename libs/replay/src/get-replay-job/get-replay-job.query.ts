import type { ReplayRequester } from '../start-replay/replay-requester';

/** A replay's progress (`GET /admin/replays/{id}`), as the requester may see it. */
export class GetReplayJob {
  constructor(
    readonly requester: ReplayRequester,
    readonly replayId: string,
  ) {}
}
