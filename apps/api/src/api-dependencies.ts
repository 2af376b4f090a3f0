import type { LedgerConfig } from '@ledger/config';
import type { EventStore } from '@ledger/event-store';
import type { Logger } from '@ledger/observability';
import type { TenantGateways } from '@ledger/outbound';
import type { RejectionRecorder, WebhookReceiver } from '@ledger/webhooks';
import type { ConsoleSources } from './console/console-sources';
import type { ApiHandlers } from './cqrs/api-use-cases';
import type {
  BacklogProbe,
  BusProbe,
  ConsumersProbe,
  StorageProbe,
} from './health/health-probes.port';

/**
 * What a composition root hands the API: ports and handlers already built, nothing read from
 * globals and no SDK client (see `composition/`).
 */
export interface ApiDependencies {
  eventStore: EventStore;
  config: LedgerConfig;
  logger: Logger;
  clock: () => Date;
  /** Records webhooks refused before their body was read (the HTTP layer's refusals). */
  webhookReceiver: WebhookReceiver;
  /** Flushed and stopped when the API closes. */
  rejectionRecorder: RejectionRecorder;
  /** The handler of each command and query, bound to @nestjs/cqrs's buses by the API module. */
  handlers: ApiHandlers;
  /** Each tenant's gateway client; /health reports their circuit states. */
  gateways: TenantGateways;
  /**
   * What /health checks: the storage (503 when down), the bus, the charger's backlog and, where the API can see them
   * (`ledger start`), the stream consumers' process (degraded when either is down).
   */
  probes: {
    storage: StorageProbe;
    bus: BusProbe;
    backlog: BacklogProbe;
    consumers?: ConsumersProbe;
  };
  /** What the web console (`/console`) reads besides the queries. */
  console: ConsoleSources;
}

export const STORAGE_PROBE = Symbol('STORAGE_PROBE');
export const BUS_PROBE = Symbol('BUS_PROBE');
export const CONSUMERS_PROBE = Symbol('CONSUMERS_PROBE');
export const BACKLOG_PROBE = Symbol('BACKLOG_PROBE');
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');
export const API_KEYS = Symbol('API_KEYS');
export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');
export const CONSOLE_SOURCES = Symbol('CONSOLE_SOURCES');
export const CONFIG = Symbol('CONFIG');
