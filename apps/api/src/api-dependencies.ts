import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LedgerConfig } from '@ledger/config';
import type { EventStore } from '@ledger/event-store';
import type { LedgerTables } from '@ledger/event-store/aws';
import type { Logger } from '@ledger/observability';
import type { TenantGateways } from '@ledger/outbound';
import type { RejectionRecorder, WebhookReceiver } from '@ledger/webhooks';
import type { ApiHandlers } from './cqrs/api-use-cases';

/** What the composition root hands the API: adapters already built, nothing read from globals. */
export interface ApiDependencies {
  dynamoDb: DynamoDBClient;
  tables: LedgerTables;
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
  /** For the bus reachability in /health. */
  eventBridge: EventBridgeClient;
}

export const DYNAMODB_CLIENT = Symbol('DYNAMODB_CLIENT');
export const LEDGER_TABLES = Symbol('LEDGER_TABLES');
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');
export const API_KEYS = Symbol('API_KEYS');
export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');
export const EVENT_BRIDGE = Symbol('EVENT_BRIDGE');
