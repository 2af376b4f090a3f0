import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LedgerStorage } from '@ledger/event-store/aws';
import type { Logger } from '@ledger/observability';
import type { TenantGateways } from '@ledger/outbound';
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
  /**
   * Each tenant's gateway client, for the charger (`createTenantGateways` on the configuration:
   * the local file, or in AWS the configuration parameter with its gateway secrets). Required so
   * that every place that builds a context says what it gives: `undefined` where no charger runs
   * (a function of another consumer, which reads no gateway secret); the charger's root refuses it.
   */
  gateways: TenantGateways | undefined;
}
