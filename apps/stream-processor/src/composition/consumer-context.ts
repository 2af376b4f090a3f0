import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LedgerStorage } from '@ledger/event-store/aws';
import type { Logger } from '@ledger/observability';
import type { ProviderInterpretation } from '@ledger/webhooks';

/** What every stream consumer is composed from: the process's storage, logger and bus. */
export interface ConsumerContext {
  storage: LedgerStorage;
  logger: Logger;
  /** The bus integration events go to (the local bus, or EventBridge). */
  eventBridge: EventBridgeClient;
  eventBusName?: string;
  clock?: () => Date;
  /**
   * The configured webhook providers, for how the correlator reads each one's payloads (locally
   * from the configuration file; in AWS from the configuration parameter, its providers'
   * interpreter settings only). Absent: every provider is read by the default, `sandbox`.
   */
  providers?: readonly ProviderInterpretation[];
}
