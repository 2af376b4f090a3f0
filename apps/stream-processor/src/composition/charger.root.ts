import { ConfigError } from '@ledger/config';
import { Charger, PaymentWorkflow } from '@ledger/payments';
import { paymentAdapters } from '@ledger/payments/aws';
import type { StreamConsumer } from '@ledger/stream-consumer';
import type { ConsumerContext } from './consumer-context';

/**
 * The charger (template.yaml: ChargerFunction, CONSUMER_NAME=charger): makes the gateway call of
 * each payment or refund accepted asynchronously, through the same workflow as the API, and logs
 * each conclusion with how long the request waited.
 */
export function composeCharger(context: ConsumerContext): StreamConsumer {
  const { storage, logger, gateways } = context;
  if (gateways === undefined) {
    throw new ConfigError('The charger needs the tenants’ gateway accounts; none were given');
  }
  const clock = context.clock ?? (() => new Date());
  const workflow = new PaymentWorkflow(
    storage.eventStore,
    (tenantId) => gateways.for(tenantId),
    paymentAdapters(storage, { clock }).requestIdempotency,
    clock,
  );
  return new Charger(
    workflow,
    (concluded) => logger.info({ consumer: 'charger', ...concluded }, 'accepted request charged'),
    clock,
  );
}
