import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseLedgerConfig, type LedgerConfig } from '@ledger/config';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEventBridgeClient } from '@ledger/bus/aws';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { HttpPaymentGateway, TenantGateways, type PaymentGateway } from '@ledger/outbound';
import { createLogger } from '@ledger/observability';
import type { TestLedger } from '@ledger/testing';
import type { ApiDependencies } from '../api-dependencies';
import {
  buildApiDependencies,
  type ApiReplayOptions,
} from '../composition/api-dependencies.factory';
import { createApiApp } from '../create-api-app';

/** A configuration for API tests; every key and secret in it is a placeholder. */
export const TEST_CONFIG = {
  tenants: [
    {
      id: 'acme',
      apiKeys: ['test-key-acme-0000'],
      adminKeys: ['test-admin-key-acme-0'],
      gateway: { kind: 'sandbox', baseUrl: null, apiKey: 'test-gateway-key-acme' },
    },
    {
      id: 'globex',
      apiKeys: ['test-key-globex-000'],
      adminKeys: ['test-admin-key-globex'],
      gateway: { kind: 'sandbox', baseUrl: null, apiKey: 'test-gateway-key-globex' },
    },
  ],
  operators: [{ id: 'ops', apiKeys: ['test-key-operator-00'] }],
  providers: [
    { name: 'sandbox', tenant: 'acme', scheme: 'hmac-sha256', secrets: ['test-secret-not-real'] },
    {
      name: 'stdhooks',
      tenant: 'acme',
      scheme: 'standard-webhooks',
      secrets: ['whsec_dGVzdC1zZWNyZXQtbm90LXJlYWw='],
    },
    { name: 'gh', tenant: 'globex', scheme: 'github', secrets: ['test-secret-not-real'] },
  ],
};

export interface TestApi {
  app: NestFastifyApplication;
  deps: ApiDependencies;
  close(): Promise<void>;
}

/** The API on a test ledger's tables, driven in-process with `app.inject`. */
export async function createTestApi(
  ledger: Pick<TestLedger, 'storage'>,
  options: {
    config?: unknown;
    clock?: () => Date;
    storage?: LedgerStorage;
    /** One client used for every tenant (tests that need no per-tenant accounts). */
    gateway?: PaymentGateway;
    /**
     * Each tenant's client. Default: `gateway` for every tenant, else clients of a gateway nobody
     * listens for (tests that never charge).
     */
    gateways?: TenantGateways;
    /** Default: a client of a bus nobody listens for. */
    eventBridge?: EventBridgeClient;
    /** Default: replays run in process, with no re-delivery adapter. */
    replays?: ApiReplayOptions;
  } = {},
): Promise<TestApi> {
  const config: LedgerConfig = parseLedgerConfig(options.config ?? TEST_CONFIG);
  const storage = options.storage ?? ledger.storage;
  const gateways =
    options.gateways ??
    new TenantGateways(
      new Map(
        config.tenants.map((tenant) => [
          tenant.id,
          options.gateway ??
            new HttpPaymentGateway({ baseUrl: 'http://127.0.0.1:1', apiKey: 'test-gateway-key' }),
        ]),
      ),
    );
  const eventBridge = options.eventBridge ?? createEventBridgeClient('http://127.0.0.1:1');
  const deps = buildApiDependencies({
    config,
    storage,
    logger: createLogger('silent'),
    gateways,
    eventBridge,
    clock: options.clock,
    replays: options.replays,
  });
  const app = await createApiApp(deps);
  return { app, deps, close: () => app.close() };
}
