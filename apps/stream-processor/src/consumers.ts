import { PUBLISHER } from '@ledger/bus/aws';
import { CHARGER } from '@ledger/payments';
import { PROJECTOR } from '@ledger/projections';
import type { StreamConsumer } from '@ledger/stream-consumer';
import { CORRELATOR } from '@ledger/webhooks';
import { composeCharger } from './composition/charger.root';
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
  [CHARGER]: composeCharger,
};

/**
 * The consumers whose function reads the configuration: the correlator, for how each provider's
 * payloads are read (its providers' interpreter settings only, never a key or secret).
 */
export const CONSUMERS_READING_PROVIDERS: ReadonlySet<string> = new Set([CORRELATOR]);

/**
 * The consumers whose function reads the whole configuration with the gateway secrets it refers
 * to: the charger, which calls each tenant's gateway.
 */
export const CONSUMERS_CALLING_GATEWAYS: ReadonlySet<string> = new Set([CHARGER]);

/** Every consumer of the events table's stream (the local stream processor runs them all). */
export function buildConsumers(context: ConsumerContext): StreamConsumer[] {
  return Object.values(CONSUMER_ROOTS).map((compose) => compose(context));
}
