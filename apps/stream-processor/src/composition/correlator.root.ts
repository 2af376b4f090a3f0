import type { StreamConsumer } from '@ledger/stream-consumer';
import { Correlator, PayloadInterpreters } from '@ledger/webhooks';
import { webhookAdapters } from '@ledger/webhooks/aws';
import type { ConsumerContext } from './consumer-context';

/**
 * The correlator (template.yaml: CorrelatorFunction, CONSUMER_NAME=correlator): moves each
 * webhook delivery onto its payment's stream.
 */
export function composeCorrelator(context: ConsumerContext): StreamConsumer {
  const { storage } = context;
  return new Correlator(
    storage.eventStore,
    webhookAdapters(storage).correlationIndex,
    context.clock,
    new PayloadInterpreters(context.providers),
  );
}
