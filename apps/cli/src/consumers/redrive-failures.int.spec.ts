import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
} from '@aws-sdk/client-dynamodb-streams';
import { createEventBridgeClient } from '@ledger/bus/aws';
import type { EventStore } from '@ledger/event-store';
import { decodePaymentEvent, handleCommand, paymentDecider, paymentStreamId } from '@ledger/ledger';
import { createLogger } from '@ledger/observability';
import { projectionAdapters } from '@ledger/projections/aws';
import {
  redriveConsumerFailures,
  type ParkingLot,
  type RedriveFailuresDependencies,
  type StreamConsumer,
} from '@ledger/stream-consumer';
import {
  createDynamoDbStreamsClient,
  createLambdaStreamHandler,
  DynamoDbStreamRangeReader,
  InProcessBatchRunner,
  streamConsumerAdapters,
  type ConsumerStreamHandler,
} from '@ledger/stream-consumer/aws';
import { InMemoryFailureQueue } from '@ledger/stream-consumer/in-memory';
import { CONSUMER_ROOTS } from '@ledger/stream-processor-app';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { consumerOfFunction, trimmedRecovery } from './trimmed-recovery';

const ACCOUNT = 'arn:aws:lambda:eu-west-1:123456789012:function';
const PROJECTOR_ARN = `${ACCOUNT}:ledger-prod-ProjectorFunction-Q1w2E3r4T5y6`;
const CORRELATOR_ARN = `${ACCOUNT}:ledger-prod-CorrelatorFunction-Z9x8C7v6B5n4`;

/** Where one event lies in the events table's stream, as the local poller reads it. */
interface StreamPosition {
  streamArn: string;
  shardId: string;
  sequenceNumber: string;
  arrivedAt: Date;
}

/** The on-failure record Lambda sends for a DynamoDB stream batch (AWS's documented shape). */
function lambdaFailureRecord(
  functionArn: string,
  first: StreamPosition,
  last: StreamPosition = first,
  batchSize = 1,
): string {
  return JSON.stringify({
    requestContext: {
      requestId: '7f3c2a10-5d1e-4b7a-9c55-0e8f1d2b3a41',
      functionArn,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 11,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: first.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: first.arrivedAt.toISOString(),
      approximateArrivalOfLastRecord: last.arrivedAt.toISOString(),
      batchSize,
      streamArn: first.streamArn,
    },
  });
}

/** Every record of the events table's stream, by the event stream and version it carries. */
async function streamPositions(
  ledger: TestLedger,
  streams: DynamoDBStreamsClient,
): Promise<Map<string, StreamPosition>> {
  const { Table } = await ledger.client.send(
    new DescribeTableCommand({ TableName: ledger.tables.events }),
  );
  const streamArn = Table!.LatestStreamArn!;
  const { StreamDescription } = await streams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }),
  );
  const positions = new Map<string, StreamPosition>();
  for (const shard of StreamDescription?.Shards ?? []) {
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of page.Records ?? []) {
        const image = record.dynamodb?.NewImage;
        positions.set(`${image?.pk?.S}@${image?.sk?.N}`, {
          streamArn,
          shardId: shard.ShardId!,
          sequenceNumber: record.dynamodb!.SequenceNumber!,
          arrivedAt: record.dynamodb!.ApproximateCreationDateTime!,
        });
      }
      // An open shard answers an empty page once it is read to its end.
      iterator =
        (page.Records ?? []).length === 0 ? undefined : (page.NextShardIterator ?? undefined);
    }
  }
  return positions;
}

function requestPayment(store: EventStore, paymentId: string): Promise<unknown> {
  return handleCommand(
    store,
    paymentDecider,
    decodePaymentEvent,
    paymentStreamId('acme', paymentId),
    {
      type: 'RequestPayment',
      data: { paymentId, amount: 1250, currency: 'EUR' },
      metadata: { now: new Date().toISOString(), tenantId: 'acme' },
    },
  );
}

/** A consumer that refuses every event, and a parking lot that cannot park: Lambda's give-up. */
const refusing: StreamConsumer = {
  name: 'correlator',
  handle: () => Promise.reject(new Error('the correlation index is unreachable')),
};
const unparkable: ParkingLot = {
  park: () => Promise.reject(new Error('the meta table is unreachable')),
  list: () => Promise.resolve([]),
  release: () => Promise.resolve(),
};

describe('redriving the batches the consumer functions gave up on', () => {
  let ledger: TestLedger;
  let streams: DynamoDBStreamsClient;
  let positions: Map<string, StreamPosition>;
  const eventBridge = createEventBridgeClient('http://127.0.0.1:9');
  let queue: InMemoryFailureQueue;
  let deps: RedriveFailuresDependencies;

  beforeAll(async () => {
    ledger = await createTestLedger('redrive-failures');
    streams = createDynamoDbStreamsClient(process.env.DYNAMODB_ENDPOINT);
    for (const paymentId of ['pay_1', 'pay_2', 'pay_3', 'pay_4']) {
      await requestPayment(ledger.store, paymentId);
    }
    positions = await streamPositions(ledger, streams);
  });

  afterAll(async () => {
    eventBridge.destroy();
    streams.destroy();
    await ledger.close();
  });

  beforeEach(() => {
    queue = new InMemoryFailureQueue();
    // Each function ARN runs its consumer's own Lambda handler, composed by its own root, as deployed.
    const handlers: Record<string, ConsumerStreamHandler> = {
      projector: createLambdaStreamHandler(
        CONSUMER_ROOTS.projector({
          storage: ledger.storage,
          logger: createLogger('silent'),
          eventBridge,
          gateways: undefined,
        }),
        streamConsumerAdapters(ledger.storage).parkingLot,
        { upcasters: ledger.storage.upcasters },
      ),
      correlator: createLambdaStreamHandler(refusing, unparkable, {
        maxAttempts: 1,
      }),
    };
    deps = {
      queue,
      stream: new DynamoDbStreamRangeReader(streams, { maxEmptyPages: 3 }),
      runner: new InProcessBatchRunner((arn) => handlers[consumerOfFunction(arn) ?? '']),
      recovery: trimmedRecovery,
    };
  });

  const position = (paymentId: string): StreamPosition =>
    positions.get(`${paymentStreamId('acme', paymentId)}@1`)!;
  const documentOf = (paymentId: string) =>
    projectionAdapters(ledger.storage).liveDocuments().get('acme', paymentId);

  describe("when the projector's function gave up on a batch the stream still holds", () => {
    it('hands its records to the projector again, which writes the read model, and deletes the message', async () => {
      await queue.put(lambdaFailureRecord(PROJECTOR_ARN, position('pay_1')));
      expect(await documentOf('pay_1')).toBeUndefined();

      const result = await redriveConsumerFailures(deps);

      expect(result.outcomes).toEqual([
        expect.objectContaining({
          outcome: 'redriven',
          records: 1,
          functionArn: PROJECTOR_ARN,
          startSequenceNumber: position('pay_1').sequenceNumber,
        }),
      ]);
      expect(await documentOf('pay_1')).toMatchObject({ paymentId: 'pay_1', version: 1 });
      expect(queue.bodies()).toEqual([]);
    });
  });

  describe('when a batch spans several records of the shard', () => {
    it('hands every record of the range over, and only those', async () => {
      const ordered = [position('pay_2'), position('pay_3')].sort(
        (a, b) =>
          a.sequenceNumber.length - b.sequenceNumber.length ||
          a.sequenceNumber.localeCompare(b.sequenceNumber),
      );
      const sameShard = ordered[0].shardId === ordered[1].shardId;
      await queue.put(lambdaFailureRecord(PROJECTOR_ARN, ordered[0], ordered[1], 2));

      const result = await redriveConsumerFailures(deps);

      expect(sameShard).toBe(true);
      expect(result.outcomes).toEqual([
        expect.objectContaining({ outcome: 'redriven', records: 2 }),
      ]);
      expect(await documentOf('pay_2')).toMatchObject({ version: 1 });
      expect(await documentOf('pay_3')).toMatchObject({ version: 1 });
      expect(await documentOf('pay_4')).toBeUndefined();
    });
  });

  describe('when the consumer still fails on the records', () => {
    it('keeps the message and names the failing sequence number', async () => {
      const body = lambdaFailureRecord(CORRELATOR_ARN, position('pay_4'));
      await queue.put(body);

      const result = await redriveConsumerFailures(deps);

      expect(result.outcomes).toEqual([
        expect.objectContaining({
          outcome: 'still-failing',
          failedSequenceNumbers: [position('pay_4').sequenceNumber],
        }),
      ]);
      expect(queue.bodies()).toEqual([body]);
      // Released, not hidden: the next run takes it again.
      expect(await queue.receive(10)).toHaveLength(1);
    });
  });

  describe('with --dry-run', () => {
    it('reads and reports the batch, runs nothing and keeps the message', async () => {
      const body = lambdaFailureRecord(PROJECTOR_ARN, position('pay_4'));
      await queue.put(body);

      const result = await redriveConsumerFailures(deps, { dryRun: true });

      expect(result.outcomes).toEqual([
        expect.objectContaining({ outcome: 'would-redrive', records: 1 }),
      ]);
      expect(await documentOf('pay_4')).toBeUndefined();
      expect(queue.bodies()).toEqual([body]);
    });
  });

  describe('when the stream no longer holds the batch', () => {
    it('reports it trimmed with the replay that recovers it from the event store, and keeps the message', async () => {
      const gone: StreamPosition = {
        ...position('pay_4'),
        shardId: 'shardId-00000001700000000000-0badc0de',
        arrivedAt: new Date('2026-03-01T12:00:00.000Z'),
      };
      const body = lambdaFailureRecord(PROJECTOR_ARN, gone);
      await queue.put(body);

      const result = await redriveConsumerFailures(deps);

      expect(result.outcomes).toEqual([
        expect.objectContaining({
          outcome: 'trimmed',
          deleted: false,
          recovery: [
            'DYNAMODB_ENDPOINT=aws ledger replay rebuild --in-place --from 2026-03-01T11:55:00.000Z --to 2026-03-01T12:05:00.000Z',
          ],
        }),
      ]);
      expect(queue.bodies()).toEqual([body]);
    });

    it('deletes the message when told to, once reported', async () => {
      await queue.put(
        lambdaFailureRecord(PROJECTOR_ARN, {
          ...position('pay_4'),
          shardId: 'shardId-00000001700000000000-0badc0de',
        }),
      );

      const result = await redriveConsumerFailures(deps, { deleteTrimmed: true });

      expect(result.outcomes).toEqual([
        expect.objectContaining({ outcome: 'trimmed', deleted: true }),
      ]);
      expect(queue.bodies()).toEqual([]);
    });
  });

  describe('when a message is not a failure record', () => {
    it('reports it malformed and keeps it', async () => {
      await queue.put('{"Records":[]}');

      const result = await redriveConsumerFailures(deps);

      expect(result.outcomes).toEqual([
        expect.objectContaining({ outcome: 'malformed', body: '{"Records":[]}' }),
      ]);
      expect(result.malformed).toBe(1);
      expect(queue.bodies()).toEqual(['{"Records":[]}']);
    });
  });
});
