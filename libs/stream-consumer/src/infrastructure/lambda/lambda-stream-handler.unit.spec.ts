import type { DynamoDBStreamEvent } from 'aws-lambda';
import { UpcasterChain, type StoredEvent } from '@ledger/event-store';
import { toEventItem } from '@ledger/event-store/aws';
import type { ParkedRecord, ParkingLot } from '../../core/parking-lot.port';
import type { StreamConsumer } from '../../core/stream-consumer';
import { createLambdaStreamHandler } from './lambda-stream-handler';

/** The parking lot port in memory: this test is about the driver, not about storage. */
class MemoryParkingLot implements ParkingLot {
  parked: ParkedRecord[] = [];
  broken = false;

  async park(record: ParkedRecord): Promise<void> {
    if (this.broken) throw new Error('parking lot unreachable');
    this.parked.push(record);
  }
  async list(): Promise<ParkedRecord[]> {
    return this.parked;
  }
  async release(): Promise<void> {}
}

function lambdaEvent(events: Array<[string, number]>): DynamoDBStreamEvent {
  return {
    Records: events.map(([streamId, version], i) => ({
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: String(100 + i),
        NewImage: toEventItem({
          streamId,
          version,
          eventId: `${streamId}-${version}`,
          type: 'Tick',
          schemaVersion: 1,
          data: {},
          metadata: {},
          recordedAt: '2026-01-01T00:00:00.000Z',
        }) as never,
      },
    })),
  };
}

describe('createLambdaStreamHandler', () => {
  const fast = { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 };

  describe('when every record is handled', () => {
    it('reports no failures and keeps each stream in version order', async () => {
      const seen: StoredEvent[] = [];
      const consumer: StreamConsumer = { name: 'c', handle: async (e) => void seen.push(e) };
      const handler = createLambdaStreamHandler(consumer, new MemoryParkingLot(), fast);

      const response = await handler(
        lambdaEvent([
          ['a', 1],
          ['b', 1],
          ['a', 2],
          ['b', 2],
          ['a', 3],
        ]),
      );

      expect(response.batchItemFailures).toEqual([]);
      expect(seen.filter((e) => e.streamId === 'a').map((e) => e.version)).toEqual([1, 2, 3]);
      expect(seen.filter((e) => e.streamId === 'b').map((e) => e.version)).toEqual([1, 2]);
    });
  });

  describe('when the consumer says which records it wants', () => {
    it('hands it only those, judged on the stored image, and reports the rest as done', async () => {
      const seen: StoredEvent[] = [];
      const heads: string[] = [];
      const consumer: StreamConsumer = {
        name: 'c',
        wants: (head) => {
          heads.push(`${head.streamId}:${head.type}:${String(head.dataString('missing'))}`);
          return head.streamId === 'a';
        },
        handle: async (e) => void seen.push(e),
      };
      const handler = createLambdaStreamHandler(consumer, new MemoryParkingLot(), fast);

      const response = await handler(
        lambdaEvent([
          ['a', 1],
          ['b', 1],
          ['a', 2],
        ]),
      );

      expect(heads).toEqual(['a:Tick:undefined', 'b:Tick:undefined', 'a:Tick:undefined']);
      expect(seen.map((e) => e.eventId)).toEqual(['a-1', 'a-2']);
      expect(response.batchItemFailures).toEqual([]);
    });
  });

  describe('when a batch holds several records', () => {
    it('shares one memo and the whole batch with the handling of each of them', async () => {
      const contexts: { memo: Map<string, unknown>; events: number }[] = [];
      const consumer: StreamConsumer = {
        name: 'c',
        handle: async (_e, batch) => {
          contexts.push({ memo: batch!.memo, events: batch!.events.length });
          batch!.memo.set('handled', ((batch!.memo.get('handled') as number) ?? 0) + 1);
        },
      };
      const handler = createLambdaStreamHandler(consumer, new MemoryParkingLot(), fast);

      await handler(
        lambdaEvent([
          ['a', 1],
          ['b', 1],
        ]),
      );
      await handler(lambdaEvent([['a', 2]]));

      expect(contexts.map((c) => c.events)).toEqual([2, 2, 1]);
      expect(contexts[0].memo).toBe(contexts[1].memo);
      expect(contexts[0].memo.get('handled')).toBe(2);
      expect(contexts[2].memo).not.toBe(contexts[0].memo);
    });
  });

  describe('when it is given upcasters', () => {
    it('hands the consumer each record in the current shape of its type', async () => {
      const seen: StoredEvent[] = [];
      const consumer: StreamConsumer = { name: 'c', handle: async (e) => void seen.push(e) };
      const upcasters = new UpcasterChain([
        { type: 'Tick', fromVersion: 1, toVersion: 2, upcast: (data) => ({ ...data, ticks: 1 }) },
      ]);
      const handler = createLambdaStreamHandler(consumer, new MemoryParkingLot(), {
        ...fast,
        upcasters,
      });

      await handler(lambdaEvent([['a', 1]]));

      expect(seen.map((e) => [e.schemaVersion, e.data])).toEqual([[2, { ticks: 1 }]]);
    });
  });

  describe('when a record keeps failing', () => {
    it('parks it after the retries and reports success to Lambda', async () => {
      const parkingLot = new MemoryParkingLot();
      const consumer: StreamConsumer = {
        name: 'c',
        handle: async (e) => {
          if (e.eventId === 'a-1') throw new Error('boom');
        },
      };
      const handler = createLambdaStreamHandler(consumer, parkingLot, fast);

      const response = await handler(
        lambdaEvent([
          ['a', 1],
          ['a', 2],
        ]),
      );

      expect(response.batchItemFailures).toEqual([]);
      expect(parkingLot.parked.map((p) => [p.event.eventId, p.attempts])).toEqual([['a-1', 2]]);
    });

    it('reports the earliest unparkable record so Lambda redelivers from there', async () => {
      const parkingLot = new MemoryParkingLot();
      parkingLot.broken = true;
      const handled: string[] = [];
      const consumer: StreamConsumer = {
        name: 'c',
        handle: async (e) => {
          if (e.streamId === 'b') throw new Error('boom');
          handled.push(e.eventId);
        },
      };
      const handler = createLambdaStreamHandler(consumer, parkingLot, fast);

      const response = await handler(
        lambdaEvent([
          ['a', 1],
          ['b', 1],
          ['a', 2],
          ['b', 2],
        ]),
      );

      expect(response.batchItemFailures).toEqual([{ itemIdentifier: '101' }]);
      expect(handled).toEqual(['a-1', 'a-2']);
    });
  });
});
