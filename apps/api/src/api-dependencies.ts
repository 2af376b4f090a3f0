import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LedgerConfig } from '@ledger/config';
import type { EventStore, LedgerTables } from '@ledger/event-store';
import type { Logger } from '@ledger/observability';
import type { TenantGateways } from '@ledger/outbound';
import type { PaymentCommands } from '@ledger/payments';
import type { PaymentQueries } from '@ledger/projections';
import type { RejectionRecorder, WebhookReceiver } from '@ledger/webhooks';
import type { ReplayService } from './admin/replay.service';

/** What the composition root hands the API: adapters already built, nothing read from globals. */
export interface ApiDependencies {
  dynamoDb: DynamoDBClient;
  tables: LedgerTables;
  eventStore: EventStore;
  config: LedgerConfig;
  logger: Logger;
  clock: () => Date;
  webhookReceiver: WebhookReceiver;
  /** Flushed and stopped when the API closes. */
  rejectionRecorder: RejectionRecorder;
  paymentCommands: PaymentCommands;
  paymentQueries: PaymentQueries;
  /** Each tenant's gateway client; /health reports their circuit states. */
  gateways: TenantGateways;
  /** For the bus reachability in /health. */
  eventBridge: EventBridgeClient;
  replays: ReplayService;
}

export const DYNAMODB_CLIENT = Symbol('DYNAMODB_CLIENT');
export const LEDGER_TABLES = Symbol('LEDGER_TABLES');
export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');
export const WEBHOOK_RECEIVER = Symbol('WEBHOOK_RECEIVER');
export const API_KEYS = Symbol('API_KEYS');
export const PAYMENT_COMMANDS = Symbol('PAYMENT_COMMANDS');
export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');
export const PAYMENT_QUERIES = Symbol('PAYMENT_QUERIES');
export const EVENT_BRIDGE = Symbol('EVENT_BRIDGE');
export const REPLAYS = Symbol('REPLAYS');
