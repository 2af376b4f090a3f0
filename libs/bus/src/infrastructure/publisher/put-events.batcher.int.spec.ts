import { freePort } from '@ledger/local-engine';
import { createEventBridgeClient } from '../event-bridge-client';
import { startLocalBus, type RunningLocalBus } from '@ledger/local-bus';
import type { BusEnvelope } from '../../envelope/bus-envelope';
import { PutEventsBatcher } from './put-events.batcher';

const ENTRY = {
  Source: 'integration-ledger',
  DetailType: 'payment.succeeded',
  Detail: JSON.stringify({ eventId: 'evt_outage', paymentId: 'pay_outage' }),
  EventBusName: 'default',
};

describe('PutEventsBatcher', () => {
  let bus: RunningLocalBus | undefined;
  const received: BusEnvelope[] = [];

  const startBus = (port: number) =>
    startLocalBus({
      port,
      rules: [
        {
          name: 'all',
          eventBusName: 'default',
          pattern: { source: ['integration-ledger'] },
          targets: ['Recorder'],
        },
      ],
      targets: [{ name: 'Recorder', handle: async (event) => void received.push(event) }],
    });

  afterEach(async () => {
    await bus?.stop();
    bus = undefined;
  });

  describe('when the bus is out of reach for longer than the retry budget', () => {
    it('keeps the entry and publishes it once the bus is back, instead of giving up', async () => {
      const port = await freePort();
      const client = createEventBridgeClient(`http://127.0.0.1:${port}`);
      let calls = 0;
      const batcher = new PutEventsBatcher(client, {
        maxAttempts: 2,
        baseDelayMs: 5,
        capDelayMs: 20,
        onCall: () => (calls += 1),
      });

      const outcome = batcher.submit(ENTRY);
      const deadline = Date.now() + 30_000;
      while (calls <= 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      bus = await startBus(port);

      await expect(outcome).resolves.toMatchObject({ status: 'published' });
      expect(calls).toBeGreaterThan(4);
      expect(received.map((e) => e.detail.eventId)).toEqual(['evt_outage']);
      client.destroy();
    });
  });

  describe('when the bus refuses the entry itself', () => {
    it('gives up after the last attempt, so the caller can dead-letter it', async () => {
      bus = await startBus(0);
      bus.failEntries({ count: -1 });
      const client = createEventBridgeClient(bus.url);
      const batcher = new PutEventsBatcher(client, {
        maxAttempts: 2,
        baseDelayMs: 5,
        capDelayMs: 20,
      });

      const outcome = await batcher.submit(ENTRY);

      expect(outcome).toMatchObject({ status: 'failed', attempts: 2 });
      client.destroy();
    });
  });
});
