import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IntegrationEventPublisher, createDeadLetters } from '@ledger/bus/aws';
import type { LedgerStorage } from '@ledger/event-store/aws';
import type { Logger } from '@ledger/observability';
import type { StreamConsumer } from '@ledger/stream-consumer';
import { PaymentProjector } from '@ledger/projections';
import { createLivePaymentDocuments } from '@ledger/projections/aws';
import { Correlator } from '@ledger/webhooks';
import { DynamoDbCorrelationIndex } from '@ledger/webhooks/aws';

export interface ConsumerDependencies {
  storage: LedgerStorage;
  logger: Logger;
  /** The bus integration events go to (the local bus, or EventBridge). */
  eventBridge: EventBridgeClient;
  eventBusName?: string;
  clock?: () => Date;
}

/**
 * Every consumer of the events table's stream. Each runs with its own checkpoint locally and its
 * own event source mapping in AWS (template.yaml: CONSUMER_NAME selects one).
 */
export function buildConsumers(deps: ConsumerDependencies): StreamConsumer[] {
  const { storage } = deps;
  return [
    new PaymentProjector(
      storage.eventStore,
      createLivePaymentDocuments(storage.dynamoDb, storage.tables),
    ),
    new IntegrationEventPublisher(
      storage.eventStore,
      deps.eventBridge,
      createDeadLetters(storage.dynamoDb, storage.tables.meta),
      { eventBusName: deps.eventBusName, clock: deps.clock },
    ),
    new Correlator(
      storage.eventStore,
      new DynamoDbCorrelationIndex(storage.dynamoDb, storage.tables.meta),
      deps.clock,
    ),
  ];
}
