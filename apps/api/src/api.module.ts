import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_STORE } from '@ledger/event-store';
import {
  CLOCK,
  DYNAMODB_CLIENT,
  LEDGER_CONFIG,
  LEDGER_TABLES,
  LOGGER,
  PAYMENT_COMMANDS,
  PAYMENT_GATEWAY,
  PAYMENT_QUERIES,
  EVENT_BRIDGE,
  REPLAYS,
  API_KEYS,
  WEBHOOK_RECEIVER,
  type ApiDependencies,
} from './api-dependencies';
import { ReplaysController } from './admin/replays.controller';
import { ApiKeyRegistry } from './auth/api-keys';
import { HealthController } from './health/health.controller';
import { PaymentQueriesController } from './payments/payment-queries.controller';
import { PaymentsController } from './payments/payments.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

/** Wires the adapters the composition root built to the controllers; no business rules here. */
@Module({})
export class ApiModule {
  static register(deps: ApiDependencies): DynamicModule {
    return {
      module: ApiModule,
      controllers: [
        HealthController,
        WebhooksController,
        PaymentsController,
        PaymentQueriesController,
        ReplaysController,
      ],
      providers: [
        { provide: DYNAMODB_CLIENT, useValue: deps.dynamoDb },
        { provide: LEDGER_TABLES, useValue: deps.tables },
        { provide: EVENT_STORE, useValue: deps.eventStore },
        { provide: LEDGER_CONFIG, useValue: deps.config },
        { provide: LOGGER, useValue: deps.logger },
        { provide: CLOCK, useValue: deps.clock },
        { provide: WEBHOOK_RECEIVER, useValue: deps.webhookReceiver },
        { provide: PAYMENT_COMMANDS, useValue: deps.paymentCommands },
        { provide: PAYMENT_GATEWAY, useValue: deps.gateways },
        { provide: PAYMENT_QUERIES, useValue: deps.paymentQueries },
        { provide: EVENT_BRIDGE, useValue: deps.eventBridge },
        { provide: REPLAYS, useValue: deps.replays },
        {
          provide: API_KEYS,
          useValue: new ApiKeyRegistry(deps.config.tenants, deps.config.operators),
        },
      ],
    };
  }
}
