import { type EventStore, type NewEvent } from '@ledger/event-store';
import { toEventItem } from '@ledger/event-store/aws';
import { RejectionRecorder } from './rejection-recorder';
import { WEBHOOK_REJECTIONS_SUPPRESSED, type WebhookRejectedData } from './webhook.events';

/** Only what the recorder calls: every started stream is kept for the assertions. */
function capturingStore(): { store: EventStore; started: NewEvent[] } {
  const started: NewEvent[] = [];
  const store = {
    startStream: (_streamId: string, event: NewEvent) => {
      started.push(event);
      return Promise.resolve({ written: true });
    },
  } as unknown as EventStore;
  return { store, started };
}

const rejection = (provider: string): WebhookRejectedData => ({
  provider,
  reason: 'unknown_provider',
  detail: `No provider named ${provider}`,
  headerNames: [],
  bodyBytes: 0,
  sourceIp: '127.0.0.1',
  receivedAt: '2026-01-01T00:00:00.000Z',
});

describe('RejectionRecorder', () => {
  describe('when rejections past the audit rate name providers like Object members', () => {
    it('counts each name as a plain name', async () => {
      const { store, started } = capturingStore();
      const recorder = new RejectionRecorder(store, { ratePerSecond: 0, burst: 0 });
      const names = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'toString'];

      for (const name of names) recorder.record(undefined, rejection(name));
      await recorder.close();

      expect(started).toHaveLength(1);
      expect(started[0].type).toBe(WEBHOOK_REJECTIONS_SUPPRESSED);
      // What the events table keeps is what the event store's marshalling makes of it.
      const item = toEventItem({
        streamId: 'unattributed#webhook-rejections-suppressed#1',
        version: 1,
        eventId: '01J00000000000000000000000',
        type: started[0].type,
        schemaVersion: 1,
        data: started[0].data,
        metadata: {},
        recordedAt: '2026-01-01T00:00:10.000Z',
      });
      const data = item.data.M ?? {};
      expect(data.count).toEqual({ N: '5' });
      expect(data.byProvider.M).toEqual({
        toString: { N: '2' },
        __proto__: { N: '1' },
        constructor: { N: '1' },
        hasOwnProperty: { N: '1' },
      });
      expect(data.byReason.M).toEqual({ unknown_provider: { N: '5' } });
    });
  });
});
