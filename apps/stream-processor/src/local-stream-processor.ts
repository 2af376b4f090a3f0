import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { LedgerStorage } from '@ledger/event-store/aws';
import type { Logger } from '@ledger/observability';
import type { StreamConsumer } from '@ledger/stream-consumer';
import { SharedStreamTail, streamConsumerAdapters } from '@ledger/stream-consumer/aws';

export interface LocalStreamProcessor {
  consumers: string[];
  stop(): Promise<void>;
}

/**
 * Runs one stream poller per consumer, each with its own checkpoint, until stopped; the records
 * are read once for all of them (`SharedStreamTail`) wherever their positions meet.
 */
export async function startLocalStreamProcessor(options: {
  storage: LedgerStorage;
  streams: DynamoDBStreamsClient;
  consumers: StreamConsumer[];
  logger: Logger;
}): Promise<LocalStreamProcessor> {
  const { storage, logger } = options;
  const adapters = streamConsumerAdapters(storage);
  const tail = new SharedStreamTail(options.streams);
  const pollers = options.consumers.map((consumer) =>
    adapters.poller({
      consumer,
      streams: options.streams,
      tail,
      log: (message, fields) => logger.warn({ ...fields }, message),
      processor: {
        onParked: (record, error) =>
          logger.error(
            { consumer: consumer.name, eventId: record.event.eventId, err: error },
            'record parked after repeated failures',
          ),
      },
    }),
  );
  await Promise.all(pollers.map((poller) => poller.start()));
  return {
    consumers: pollers.map((poller) => poller.consumerName),
    stop: async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
      tail.clear();
    },
  };
}
