import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
} from '@aws-sdk/client-dynamodb-streams';
import type { StoredEvent } from '@ledger/event-store';
import { createTestLedger, waitUntil, type TestLedger } from '@ledger/testing';
import {
  DynamoDbCheckpointStore,
  DynamoDbParkingLot,
  createDynamoDbStreamsClient,
} from '../../aws';
import { redriveParked, type StreamConsumer } from '../../index';
import { SharedStreamTail } from './shared-stream-tail';
import { StreamPoller, type StreamPollerOptions } from './stream-poller';

/** Records every event it is handed; can be told to fail on some. */
class RecordingConsumer implements StreamConsumer {
  readonly received: StoredEvent[] = [];
  failOn = new Set<string>();

  constructor(readonly name: string) {}

  async handle(event: StoredEvent): Promise<void> {
    if (this.failOn.has(event.eventId)) throw new Error(`refusing ${event.eventId}`);
    this.received.push(event);
  }
}

/** A checkpoint store that can be made to fail, as a process that dies before committing. */
class FlakyCheckpointStore extends DynamoDbCheckpointStore {
  failSaves = false;

  override async save(...args: Parameters<DynamoDbCheckpointStore['save']>) {
    if (this.failSaves) throw new Error('process died before the checkpoint was written');
    return super.save(...args);
  }
}

function waitFor(condition: () => boolean): Promise<void> {
  return waitUntil(condition, { what: 'the consumer' });
}

/** A streams client that counts its GetRecords calls and the records they return. */
function countingStreams(): {
  client: DynamoDBStreamsClient;
  reads: () => number;
  recordsRead: () => number;
} {
  const client = createDynamoDbStreamsClient(process.env.DYNAMODB_ENDPOINT);
  let reads = 0;
  let recordsRead = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'GetRecordsCommand') return next(args);
      reads += 1;
      const result = await next(args);
      recordsRead += (result.output as { Records?: unknown[] }).Records?.length ?? 0;
      return result;
    },
    { step: 'initialize', name: 'countGetRecords' },
  );
  return { client, reads: () => reads, recordsRead: () => recordsRead };
}

function versionsByStream(events: StoredEvent[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const event of events)
    map.set(event.streamId, [...(map.get(event.streamId) ?? []), event.version]);
  return map;
}

describe('StreamPoller on DynamoDB Local streams', () => {
  let ledger: TestLedger;
  let streams: DynamoDBStreamsClient;
  let checkpoints: FlakyCheckpointStore;
  let parkingLot: DynamoDbParkingLot;
  const pollers: StreamPoller[] = [];

  /** A poller on the spec's ledger, stopped after each spec; `options` override the defaults. */
  function newPoller(
    options: Pick<StreamPollerOptions, 'consumer'> & Partial<StreamPollerOptions>,
  ): StreamPoller {
    const poller = new StreamPoller({
      dynamoDb: ledger.client,
      streams,
      eventsTable: ledger.tables.events,
      checkpoints,
      parkingLot,
      pollIntervalMs: 20,
      ...options,
    });
    pollers.push(poller);
    return poller;
  }

  function pollerFor(
    consumer: StreamConsumer,
    batchSize = 1000,
    checkpointEveryMs?: number,
  ): StreamPoller {
    return newPoller({
      consumer,
      batchSize,
      checkpointEveryMs,
      processor: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
    });
  }

  async function appendMany(streamIds: string[], perStream: number): Promise<void> {
    for (let v = 0; v < perStream; v++) {
      await Promise.all(
        streamIds.map((streamId) =>
          ledger.store.append(streamId, v, [{ type: 'Tick', data: { v } }]),
        ),
      );
    }
  }

  beforeAll(async () => {
    ledger = await createTestLedger('poller');
    streams = createDynamoDbStreamsClient(process.env.DYNAMODB_ENDPOINT);
    checkpoints = new FlakyCheckpointStore(ledger.client, ledger.tables.meta);
    parkingLot = new DynamoDbParkingLot(ledger.client, ledger.tables.meta);
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });

  afterAll(async () => {
    streams.destroy();
    await ledger.close();
  });

  describe('when events are appended to several streams', () => {
    it('delivers every event once, in version order within each stream', async () => {
      const consumer = new RecordingConsumer('order');
      await appendMany(['s#1', 's#2', 's#3'], 10);
      await pollerFor(consumer).start();

      await waitFor(
        () => consumer.received.filter((e) => e.streamId.startsWith('s#')).length >= 30,
      );

      const ours = consumer.received.filter((e) => e.streamId.startsWith('s#'));
      expect(ours).toHaveLength(30);
      for (const versions of versionsByStream(ours).values()) {
        expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }
    });
  });

  describe('when the poller dies before committing a batch', () => {
    it('resumes from its checkpoint and redelivers only that batch', async () => {
      const first = new RecordingConsumer('restart');
      await appendMany(['r#1', 'r#2'], 5);
      // A checkpoint after every batch, so what is lost is exactly the batch in hand.
      const poller = pollerFor(first, 4, 0);
      await poller.start();
      await waitFor(() => first.received.filter((e) => e.streamId.startsWith('r#')).length === 10);

      // The batch is handled, then the process "dies" before its checkpoint is written.
      checkpoints.failSaves = true;
      await ledger.store.append('r#1', 5, [{ type: 'Tick', data: {} }]);
      await ledger.store.append('r#2', 5, [{ type: 'Tick', data: {} }]);
      await waitFor(() => first.received.filter((e) => e.version === 6).length >= 2);
      await poller.stop();
      checkpoints.failSaves = false;

      await ledger.store.append('r#1', 6, [{ type: 'Tick', data: {} }]);
      const second = new RecordingConsumer('restart');
      await pollerFor(second).start();
      // A last event on each stream: once both are in, everything before them was delivered, so
      // any extra redelivery would already show (no fixed pause needed to rule it out).
      await ledger.store.append('r#1', 7, [{ type: 'Last', data: {} }]);
      await ledger.store.append('r#2', 6, [{ type: 'Last', data: {} }]);
      await waitFor(() => second.received.filter((e) => e.type === 'Last').length === 2);

      const resumed = second.received.map((e) => `${e.streamId}@${e.version}`).sort();
      expect(resumed).toEqual(['r#1@6', 'r#1@7', 'r#1@8', 'r#2@6', 'r#2@7']);
    });
  });

  describe('when the poller crashes between two checkpoint writes', () => {
    it('writes one checkpoint for several batches, and replays them from it without applying any twice', async () => {
      // Arrange: an idempotent consumer (it applies a version only onto the one before, as the
      // projector does) whose applied state outlives the crash, as the read model does.
      const applied = new Map<string, number[]>();
      let handedOver = 0;
      const consumer: StreamConsumer = {
        name: 'coalesced',
        handle: async (event) => {
          if (!event.streamId.startsWith('c#')) return;
          handedOver += 1;
          const versions = applied.get(event.streamId) ?? [];
          if (event.version === versions.length + 1) versions.push(event.version);
          applied.set(event.streamId, versions);
        },
      };
      const saves: string[] = [];
      const save = checkpoints.save.bind(checkpoints);
      checkpoints.save = (name, checkpoint) => {
        if (name === 'coalesced') saves.push(checkpoint.sequenceNumber ?? '');
        return save(name, checkpoint);
      };
      const first = pollerFor(consumer, 2, 60_000);
      await appendMany(['c#1'], 1);
      await first.start();
      await waitFor(() => handedOver === 1);
      const savedBefore = saves.length;

      // Act: more batches, then a crash before the next checkpoint is due (none is written).
      for (let v = 0; v < 3; v++) {
        if (v < 2) await ledger.store.append('c#1', v + 1, [{ type: 'Tick', data: {} }]);
        await ledger.store.append('c#2', v, [{ type: 'Tick', data: {} }]);
      }
      await waitFor(() => (applied.get('c#2') ?? []).length === 3);
      const savedDuring = saves.length - savedBefore;
      checkpoints.failSaves = true;
      await first.stop();
      checkpoints.failSaves = false;
      const beforeReplay = handedOver;
      await pollerFor(consumer, 2, 60_000).start();
      await ledger.store.append('c#2', 3, [{ type: 'Last', data: {} }]);
      await waitFor(() => (applied.get('c#2') ?? []).length === 4);
      checkpoints.save = save;

      // Assert
      expect(savedBefore).toBeGreaterThanOrEqual(1);
      expect(savedDuring).toBe(0);
      // The batches after the last checkpoint came again (not only the new event)...
      expect(handedOver - beforeReplay).toBeGreaterThan(1);
      // ...and nothing was applied twice.
      expect(applied.get('c#1')).toEqual([1, 2, 3]);
      expect(applied.get('c#2')).toEqual([1, 2, 3, 4]);
    });
  });

  describe('when records trickle in', () => {
    async function shardCount(): Promise<number> {
      const { Table } = await ledger.client.send(
        new DescribeTableCommand({ TableName: ledger.tables.events }),
      );
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: Table?.LatestStreamArn }),
      );
      return StreamDescription?.Shards?.length ?? 0;
    }

    it('reads each shard at most once per poll interval, and delivers every record', async () => {
      // Arrange
      const counting = countingStreams();
      const consumer = new RecordingConsumer('paced');
      const intervalMs = 250;
      const poller = newPoller({
        consumer,
        streams: counting.client,
        pollIntervalMs: intervalMs,
      });
      const startedAt = Date.now();
      await poller.start();

      // Act: appends one at a time, far more often than one per interval.
      const appends = 60;
      for (let v = 0; v < appends; v++) {
        await ledger.store.append('t#1', v, [{ type: 'Tick', data: { v } }]);
      }
      await waitFor(() => consumer.received.filter((e) => e.streamId === 't#1').length === appends);
      const elapsedMs = Date.now() - startedAt;
      const reads = counting.reads();
      await poller.stop();
      counting.client.destroy();

      // Assert: one pass per interval at most (a pass reads every shard once), however the
      // machine's speed spread the appends; a poller reading again after every non-empty read
      // makes about one read per record or two here.
      const passes = Math.floor(elapsedMs / intervalMs) + 2;
      expect(reads).toBeLessThanOrEqual(passes * (await shardCount()));
      expect(consumer.received.filter((e) => e.streamId === 't#1').map((e) => e.version)).toEqual(
        Array.from({ length: appends }, (_, i) => i + 1),
      );
    });
  });

  describe('when several pollers share a tail', () => {
    /** Pollers of `consumers` on one tail, over a counting streams client. */
    function sharingPollers(consumers: StreamConsumer[], maxBuffered?: number) {
      const counting = countingStreams();
      const tail = new SharedStreamTail(counting.client, { maxBuffered });
      const started = consumers.map((consumer) =>
        newPoller({ consumer, streams: counting.client, tail }),
      );
      return { counting, pollers: started };
    }

    /** Starts the pollers and waits until each has read up to a marker event just appended. */
    async function startAtHead(
      streamId: string,
      consumers: RecordingConsumer[],
      all: StreamPoller[],
    ) {
      await ledger.store.append(streamId, 0, [{ type: 'Marker', data: {} }]);
      await Promise.all(all.map((poller) => poller.start()));
      await waitFor(() =>
        consumers.every((consumer) => consumer.received.some((e) => e.streamId === streamId)),
      );
    }

    it('reads each record once for all of them, and hands every poller every record in order', async () => {
      // Arrange: four consumers at the same position, as `ledger start` runs them.
      const consumers = ['one', 'two', 'three', 'four'].map(
        (n) => new RecordingConsumer(`tail-${n}`),
      );
      const { counting, pollers: sharing } = sharingPollers(consumers);
      await startAtHead('sh#marker', consumers, sharing);
      const readBefore = counting.recordsRead();

      // Act
      const streams = ['sh#1', 'sh#2', 'sh#3', 'sh#4'];
      await appendMany(streams, 25);
      await waitFor(() =>
        consumers.every(
          (consumer) =>
            consumer.received.filter((e) => streams.includes(e.streamId)).length === 100,
        ),
      );
      const recordsRead = counting.recordsRead() - readBefore;
      counting.client.destroy();

      // Assert: 100 records read from the stream once, not once per poller (400).
      expect(recordsRead).toBe(100);
      for (const consumer of consumers) {
        const ours = consumer.received.filter((e) => streams.includes(e.streamId));
        expect(ours).toHaveLength(100);
        for (const versions of versionsByStream(ours).values()) {
          expect(versions).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        }
      }
    });

    it('holds no poller back behind one that stalls, and the stalled one reads on its own once it has fallen out of the tail', async () => {
      // Arrange: a tail keeping only 10 records, and one consumer that blocks until released.
      const fast = new RecordingConsumer('tail-fast');
      const slow = new RecordingConsumer('tail-slow');
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const stalling: StreamConsumer = {
        name: slow.name,
        handle: async (event) => {
          if (event.streamId === 'st#1' && event.version === 1) await released;
          await slow.handle(event);
        },
      };
      const { counting, pollers: sharing } = sharingPollers([fast, stalling], 10);
      const both = [fast, slow];
      await startAtHead('st#marker', both, sharing);
      const readBefore = counting.recordsRead();

      // Act: 60 events while the slow consumer is stuck on the first of them.
      await appendMany(['st#1', 'st#2', 'st#3'], 20);
      await waitFor(
        () =>
          fast.received.filter((e) => e.streamId.startsWith('st#') && e.type === 'Tick').length ===
          60,
      );
      // The slow one's stream st#1 waits behind its first event (a stream is handled in order).
      const slowMeanwhile = slow.received.filter((e) => e.streamId === 'st#1').length;
      release();
      await waitFor(
        () =>
          slow.received.filter((e) => e.streamId.startsWith('st#') && e.type === 'Tick').length ===
          60,
      );
      const recordsRead = counting.recordsRead() - readBefore;
      counting.client.destroy();

      // Assert: the fast one was done while the slow one had nothing; both got every record once,
      // in order; the slow one's catching up read records again (the tail had dropped them).
      expect(slowMeanwhile).toBe(0);
      for (const consumer of both) {
        const ours = consumer.received.filter(
          (e) => e.streamId.startsWith('st#') && e.type === 'Tick',
        );
        expect(ours).toHaveLength(60);
        for (const versions of versionsByStream(ours).values()) {
          expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        }
      }
      expect(recordsRead).toBeGreaterThan(60);
    });
  });

  describe('when a record keeps failing', () => {
    it('parks it, carries on with the others, and redrives it once the consumer recovers', async () => {
      const consumer = new RecordingConsumer('parking');
      const bad = await ledger.store.append('p#bad', 0, [{ type: 'Poison', data: {} }]);
      consumer.failOn.add(bad.eventIds[0]);
      await ledger.store.append('p#bad', 1, [{ type: 'After', data: {} }]);
      await ledger.store.append('p#good', 0, [{ type: 'Fine', data: {} }]);

      await pollerFor(consumer).start();
      await waitFor(
        () =>
          consumer.received.some((e) => e.streamId === 'p#good') &&
          consumer.received.some((e) => e.streamId === 'p#bad' && e.version === 2),
      );
      const parked = await parkingLot.list('parking');

      expect(parked).toHaveLength(1);
      expect(parked[0]).toMatchObject({ attempts: 3, event: { eventId: bad.eventIds[0] } });
      expect(parked[0].error).toContain('refusing');

      consumer.failOn.clear();
      const result = await redriveParked(consumer, parkingLot);

      expect(result).toEqual({ redriven: 1, stillFailing: [] });
      expect(await parkingLot.list('parking')).toEqual([]);
      expect(consumer.received.filter((e) => e.eventId === bad.eventIds[0])).toHaveLength(1);
    });
  });
});
