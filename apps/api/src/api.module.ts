import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE } from '@ledger/event-store';
import {
  API_KEYS,
  BACKLOG_PROBE,
  BUS_PROBE,
  CLOCK,
  CONFIG,
  CONSOLE_SOURCES,
  CONSUMERS_PROBE,
  LOGGER,
  PAYMENT_GATEWAY,
  STORAGE_PROBE,
  type ApiDependencies,
} from './api-dependencies';
import { ReconciliationsController } from './admin/reconciliations.controller';
import { ReplaysController } from './admin/replays.controller';
import { ApiKeyRegistry } from './auth/api-keys';
import { ConsoleController } from './console/console.controller';
import { apiUseCases } from './cqrs/api-use-cases';
import { useCaseProviders } from './cqrs/use-case-bindings';
import { HealthController } from './health/health.controller';
import { PaymentQueriesController } from './payments/payment-queries.controller';
import { PaymentBatchController } from './payments/payment-batch.controller';
import { PaymentsController } from './payments/payments.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

/**
 * Wires what a composition root built (`composition/*.root.ts`) to the controllers: each use
 * case's handler to @nestjs/cqrs's CommandBus or QueryBus, the probes /health asks; no business
 * rules here.
 */
@Module({})
export class ApiModule {
  static register(deps: ApiDependencies): DynamicModule {
    return {
      module: ApiModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        HealthController,
        WebhooksController,
        PaymentBatchController,
        PaymentsController,
        PaymentQueriesController,
        ReplaysController,
        ReconciliationsController,
        ConsoleController,
      ],
      providers: [
        ...useCaseProviders(apiUseCases(deps.handlers)),
        { provide: STORAGE_PROBE, useValue: deps.probes.storage },
        { provide: BUS_PROBE, useValue: deps.probes.bus },
        { provide: BACKLOG_PROBE, useValue: deps.probes.backlog },
        // null: no consumers' process to report (an API of its own, a Lambda function).
        { provide: CONSUMERS_PROBE, useValue: deps.probes.consumers ?? null },
        { provide: EVENT_STORE, useValue: deps.eventStore },
        { provide: LOGGER, useValue: deps.logger },
        { provide: CLOCK, useValue: deps.clock },
        { provide: CONFIG, useValue: deps.config },
        { provide: CONSOLE_SOURCES, useValue: deps.console },
        { provide: PAYMENT_GATEWAY, useValue: deps.gateways },
        {
          provide: API_KEYS,
          useValue: new ApiKeyRegistry(deps.config.tenants, deps.config.operators),
        },
      ],
    };
  }
}
