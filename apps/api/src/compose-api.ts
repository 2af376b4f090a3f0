import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadLedgerConfig, type LedgerEnv } from '@ledger/config';
import type { LedgerStorage } from '@ledger/event-store';
import type { Logger } from '@ledger/observability';
import { createApiApp } from './create-api-app';

/** Builds the API from the environment and already-connected storage. */
export function composeApi(
  env: LedgerEnv,
  storage: LedgerStorage,
  logger: Logger,
): Promise<NestFastifyApplication> {
  return createApiApp({
    dynamoDb: storage.dynamoDb,
    tables: storage.tables,
    eventStore: storage.eventStore,
    config: loadLedgerConfig(env.configPath),
    logger,
    clock: () => new Date(),
  });
}
