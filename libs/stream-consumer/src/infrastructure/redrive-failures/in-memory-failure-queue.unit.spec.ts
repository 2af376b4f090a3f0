import { describeFailureQueueContract } from '../../redrive-failures/failure-queue.contract';
import { InMemoryFailureQueue } from './in-memory-failure-queue';

describeFailureQueueContract('InMemoryFailureQueue', async () => {
  const queue = new InMemoryFailureQueue();
  return { queue, put: async (body) => void (await queue.put(body)) };
});
