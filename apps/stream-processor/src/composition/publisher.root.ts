import { busAdapters, IntegrationEventPublisher } from '@ledger/bus/aws';
import type { StreamConsumer } from '@ledger/stream-consumer';
import type { ConsumerContext } from './consumer-context';

/**
 * The publisher (template.yaml: PublisherFunction, CONSUMER_NAME=publisher): integration events
 * onto the bus; what the bus refuses goes to the dead letters (SQS in AWS, the meta table locally).
 */
export function composePublisher(context: ConsumerContext): StreamConsumer {
  const { storage } = context;
  return new IntegrationEventPublisher(
    storage.eventStore,
    context.eventBridge,
    busAdapters(storage).deadLetters(),
    { eventBusName: context.eventBusName, clock: context.clock },
  );
}
