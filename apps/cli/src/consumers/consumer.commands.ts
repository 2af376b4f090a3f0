import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Command } from 'commander';
import { createEventBridgeClient } from '@ledger/bus/aws';
import type { LedgerEnv } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { openLedgerStorage } from '@ledger/ledger/aws';
import type { Logger } from '@ledger/observability';
import { buildConsumers } from '@ledger/stream-processor-app';
import { redriveParked } from '@ledger/stream-consumer';
import { DynamoDbParkingLot } from '@ledger/stream-consumer/aws';

/**
 * The engine the CLI talks to: DYNAMODB_ENDPOINT when set (`aws` for the AWS default chain),
 * otherwise the DynamoDB Local that `ledger start` runs on DYNAMODB_LOCAL_PORT.
 */
export function cliStorage(env: LedgerEnv): LedgerStorage {
  const endpoint =
    env.dynamoDbEndpoint === 'aws'
      ? undefined
      : (env.dynamoDbEndpoint ?? `http://127.0.0.1:${env.dynamoDbLocalPort}`);
  return openLedgerStorage({
    endpoint,
    tablePrefix: env.tablePrefix,
  });
}

/** The bus the CLI talks to: EVENTBRIDGE_ENDPOINT when set (`aws` for AWS), else the local bus. */
export function cliEventBridge(env: LedgerEnv): EventBridgeClient {
  const endpoint =
    env.eventBridgeEndpoint === 'aws'
      ? undefined
      : (env.eventBridgeEndpoint ?? `http://127.0.0.1:${env.localBusPort}`);
  return createEventBridgeClient(endpoint);
}

export function registerConsumerCommands(
  program: Command,
  env: () => LedgerEnv,
  logger: () => Logger,
): void {
  const consumers = program
    .command('consumers')
    .description('Stream consumers: records parked after repeated failures');

  consumers
    .command('parked <consumer>')
    .description('List the records a consumer parked, one JSON object per line')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (name: string, options: { limit: string }) => {
      const storage = cliStorage(env());
      try {
        const parked = await new DynamoDbParkingLot(storage.dynamoDb, storage.tables.meta).list(
          name,
          Number(options.limit),
        );
        for (const record of parked) {
          console.log(
            JSON.stringify({
              consumer: record.consumer,
              streamId: record.event.streamId,
              version: record.event.version,
              eventId: record.event.eventId,
              type: record.event.type,
              attempts: record.attempts,
              parkedAt: record.parkedAt,
              error: record.error,
            }),
          );
        }
        console.error(`${parked.length} parked record(s) for ${name}`);
      } finally {
        storage.dynamoDb.destroy();
      }
    });

  consumers
    .command('redrive <consumer>')
    .description("Hand a consumer's parked records to it again; handled ones leave the parking lot")
    .option('--limit <n>', 'at most this many', '100')
    .action(async (name: string, options: { limit: string }) => {
      const storage = cliStorage(env());
      try {
        const eventBridge = cliEventBridge(env());
        const consumer = buildConsumers({ storage, logger: logger(), eventBridge }).find(
          (c) => c.name === name,
        );
        if (consumer === undefined) throw new UsageError(`No consumer is named "${name}"`);
        const result = await redriveParked(
          consumer,
          new DynamoDbParkingLot(storage.dynamoDb, storage.tables.meta),
          Number(options.limit),
          storage.upcasters,
        );
        console.log(
          JSON.stringify({
            redriven: result.redriven,
            stillFailing: result.stillFailing.map((f) => ({
              eventId: f.record.event.eventId,
              error: f.error,
            })),
          }),
        );
        if (result.stillFailing.length > 0) process.exitCode = 2;
      } finally {
        storage.dynamoDb.destroy();
      }
    });
}
