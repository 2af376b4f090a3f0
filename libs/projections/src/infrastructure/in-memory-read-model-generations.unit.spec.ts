import { describeReadModelGenerationsContract } from '../payment-view/read-model-generations.contract';
import { InMemoryReadModelGenerations } from './in-memory-read-model-generations';

describeReadModelGenerationsContract('in memory', () =>
  Promise.resolve({
    generations: new InMemoryReadModelGenerations(),
    close: () => Promise.resolve(),
  }),
);
