import { PaymentProjector } from '@ledger/projections';
import { projectionAdapters } from '@ledger/projections/aws';
import type { StreamConsumer } from '@ledger/stream-consumer';
import type { ConsumerContext } from './consumer-context';

/**
 * The projector (template.yaml: ProjectorFunction, CONSUMER_NAME=projector): folds payment
 * events into the live read model and the generation a rebuild is building.
 */
export function composeProjector(context: ConsumerContext): StreamConsumer {
  const { storage } = context;
  return new PaymentProjector(storage.eventStore, projectionAdapters(storage).liveDocuments());
}
