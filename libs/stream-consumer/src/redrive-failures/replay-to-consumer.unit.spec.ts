import type { StoredEvent } from '@ledger/event-store';
import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import type { StreamConsumer } from '../core/stream-consumer';
import { replayToConsumer } from './replay-to-consumer';

describe('replayToConsumer', () => {
  let store: InMemoryEventStore;
  let now: Date;

  beforeEach(async () => {
    now = new Date('2026-03-01T11:00:00.000Z');
    store = new InMemoryEventStore({ clock: () => now });
    const at = async (time: string, streamId: string, version: number) => {
      now = new Date(time);
      await store.append(streamId, version, [{ type: 'Tick', data: { version } }]);
    };
    await at('2026-03-01T11:00:00.000Z', 'acme#payment#pay_1', 0);
    await at('2026-03-01T12:00:00.000Z', 'acme#payment#pay_1', 1);
    await at('2026-03-01T12:01:00.000Z', 'acme#payment#pay_2', 0);
    await at('2026-03-01T12:02:00.000Z', 'acme#payment#pay_1', 2);
    await at('2026-03-01T12:03:00.000Z', 'acme#payment#pay_2', 1);
    await at('2026-03-01T13:00:00.000Z', 'acme#payment#pay_2', 2);
  });

  const recording = (failOn?: string) => {
    const handed: string[] = [];
    const consumer: StreamConsumer = {
      name: 'projector',
      handle: (event: StoredEvent) => {
        const name = `${event.streamId.split('#')[2]}@${event.version}`;
        if (name === failOn) return Promise.reject(new Error('refused'));
        handed.push(name);
        return Promise.resolve();
      },
    };
    return { consumer, handed };
  };

  describe('when every event of the range is handled', () => {
    it('hands the events recorded in [from, to) over in order, and no other', async () => {
      const { consumer, handed } = recording();

      const result = await replayToConsumer(store, consumer, {
        from: '2026-03-01T11:55:00.000Z',
        to: '2026-03-01T12:05:00.000Z',
      });

      expect(handed).toEqual(['pay_1@2', 'pay_2@1', 'pay_1@3', 'pay_2@2']);
      expect(result).toEqual({ handled: 4, failed: [], skipped: 0 });
    });
  });

  describe('when the consumer fails on an event', () => {
    it("reports it and skips that stream's later events, keeping its order", async () => {
      const { consumer, handed } = recording('pay_2@1');

      const result = await replayToConsumer(store, consumer, {
        from: '2026-03-01T11:55:00.000Z',
        to: '2026-03-01T13:05:00.000Z',
      });

      expect(handed).toEqual(['pay_1@2', 'pay_1@3']);
      expect(result).toMatchObject({
        handled: 2,
        skipped: 2,
        failed: [{ streamId: 'acme#payment#pay_2', version: 1, error: 'Error: refused' }],
      });
    });
  });
});
