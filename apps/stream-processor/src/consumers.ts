import { PUBLISHER } from '@ledger/bus/aws';
import { PROJECTOR } from '@ledger/projections';
import type { StreamConsumer } from '@ledger/stream-consumer';
import { CORRELATOR } from '@ledger/webhooks';
import type { ConsumerContext } from './composition/consumer-context';
import { composeCorrelator } from './composition/correlator.root';
import { composeProjector } from './composition/projector.root';
import { composePublisher } from './composition/publisher.root';

/**
 * The composition root of each consumer of the events table's stream, by consumer name. Each
 * runs with its own checkpoint locally and its own event source mapping in AWS (template.yaml:
 * CONSUMER_NAME selects one).
 */
export const CONSUMER_ROOTS: Readonly<
  Record<string, (context: ConsumerContext) => StreamConsumer>
> = {
  [PROJECTOR]: composeProjector,
  [PUBLISHER]: composePublisher,
  [CORRELATOR]: composeCorrelator,
};

/**
 * The consumers whose function reads the configuration: the correlator, for how each provider's
 * payloads are read (its providers' interpreter settings only, never a key or secret).
 */
export const CONSUMERS_READING_PROVIDERS: ReadonlySet<string> = new Set([CORRELATOR]);

/** Every consumer of the events table's stream (the local stream processor runs them all). */
export function buildConsumers(context: ConsumerContext): StreamConsumer[] {
  return Object.values(CONSUMER_ROOTS).map((compose) => compose(context));
}
