import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LedgerStorage } from '@ledger/event-store/aws';
import type { Logger } from '@ledger/observability';

/** What every stream consumer is composed from: the process's storage, logger and bus. */
export interface ConsumerContext {
  storage: LedgerStorage;
  logger: Logger;
  /** The bus integration events go to (the local bus, or EventBridge). */
  eventBridge: EventBridgeClient;
  eventBusName?: string;
  clock?: () => Date;
}
