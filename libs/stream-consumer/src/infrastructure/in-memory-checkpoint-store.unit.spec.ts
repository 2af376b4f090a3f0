import { describeCheckpointStoreContract } from '../core/checkpoint-store.contract';
import { InMemoryCheckpointStore } from './in-memory-checkpoint-store';

describeCheckpointStoreContract(
  'InMemoryCheckpointStore',
  async (clock) => new InMemoryCheckpointStore(clock),
);
