import { describeReplayJobsContract } from '../jobs/replay-jobs.contract';
import { InMemoryReplayJobs } from './in-memory-replay-jobs';

describeReplayJobsContract('InMemoryReplayJobs', async () => ({ jobs: new InMemoryReplayJobs() }));
