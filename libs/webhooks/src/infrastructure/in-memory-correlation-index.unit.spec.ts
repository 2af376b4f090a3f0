import { describeCorrelationIndexContract } from '../correlate-delivery/correlation-index.contract';
import { InMemoryCorrelationIndex } from './in-memory-correlation-index';

describeCorrelationIndexContract('in memory', () =>
  Promise.resolve({ index: new InMemoryCorrelationIndex(), close: () => Promise.resolve() }),
);
