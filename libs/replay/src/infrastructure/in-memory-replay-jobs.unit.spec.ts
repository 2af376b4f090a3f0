import { describeReplayJobsContract } from '../testing/replay-jobs.contract';
import { InMemoryReplayJobs } from './in-memory-replay-jobs';

describeReplayJobsContract('InMemoryReplayJobs', async () => ({ jobs: new InMemoryReplayJobs() }));
