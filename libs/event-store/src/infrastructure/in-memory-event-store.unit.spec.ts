import { describeEventStoreContract, type EventStoreFactory } from '../event-store.contract';
import { describeGlobalEventLogContract } from '../global-event-log.contract';
import { InMemoryEventStore } from './in-memory-event-store';

const factory: EventStoreFactory = ({ clock, upcasters }) => {
  const store = new InMemoryEventStore({ clock, upcasters });
  return Promise.resolve({ store, log: store, close: () => Promise.resolve() });
};

describeEventStoreContract('in memory', factory);
describeGlobalEventLogContract('in memory', factory);
