import type { ReplayRequester } from '../start-replay/replay-requester';

/** The latest replay jobs the requester may see, newest first (the console's operations page). */
export class ListReplayJobs {
  constructor(
    readonly requester: ReplayRequester,
    /** At most this many (1 to `MAX_RECENT_REPLAY_JOBS`). */
    readonly limit: number,
  ) {}
}
