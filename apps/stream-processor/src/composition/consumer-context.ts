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
   * The configured webhook providers, for how the correlator reads each one's payloads. Absent:
   * every provider is read by the default interpreter, `sandbox`.
   * @debt The consumer Lambda functions read no configuration, so in AWS the correlator reads
   * Stripe and `generic` providers with `sandbox` too; it needs the configuration parameter (its
   * providers only, no secrets) to compose `PayloadInterpreters` there (docs/providers.md).
   */
  providers?: readonly ProviderInterpretation[];
}
