import {
  PutEventsCommand,
  TestEventPatternCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { acceptsConnections, waitUntil } from '@ledger/testing';
import { ledgerTemplateRules, type BusEnvelope } from '@ledger/bus';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { startLocalBus, type RunningLocalBus } from './local-bus.server';

describe('the local bus, through the AWS SDK', () => {
  let bus: RunningLocalBus;
  let client: EventBridgeClient;
  const received: BusEnvelope[] = [];

  beforeAll(async () => {
    bus = await startLocalBus({
      rules: ledgerTemplateRules(),
      targets: [
        { name: 'PaymentReceiptsFunction', handle: async (event) => void received.push(event) },
      ],
    });
    client = createEventBridgeClient(bus.url);
  });

  afterEach(() => {
    bus.reset();
    received.length = 0;
  });

  afterAll(async () => {
    client.destroy();
    await bus.stop();
  });

  function entry(detailType: string, detail: object = { eventId: detailType }) {
    return { Source: 'integration-ledger', DetailType: detailType, Detail: JSON.stringify(detail) };
  }

  describe('when started without a host', () => {
    it('listens on 127.0.0.1 alone and says so', async () => {
      expect(bus.address).toBe('127.0.0.1');
      expect(await acceptsConnections('127.0.0.1', bus.port)).toBe(true);
      expect(await acceptsConnections('127.0.0.2', bus.port)).toBe(false);
    });
  });

  describe('when events are put', () => {
    it("routes them by template.yaml's rules to the subscribed function only", async () => {
      const output = await client.send(
        new PutEventsCommand({
          Entries: [
            entry('payment.succeeded'),
            entry('gateway.call_attempted'),
            entry('refund.succeeded'),
          ],
        }),
      );
      await bus.drain();

      expect(output.FailedEntryCount).toBe(0);
      expect(output.Entries?.every((e) => typeof e.EventId === 'string')).toBe(true);
      expect(received.map((e) => e['detail-type'])).toEqual([
        'payment.succeeded',
        'refund.succeeded',
      ]);
      expect(received[0]).toMatchObject({
        source: 'integration-ledger',
        detail: { eventId: 'payment.succeeded' },
      });
    });

    it("gives each event the entry's Time (the SDK sends epoch seconds)", async () => {
      const time = new Date('2026-01-02T03:04:05.678Z');

      await client.send(
        new PutEventsCommand({ Entries: [{ ...entry('payment.succeeded'), Time: time }] }),
      );
      await bus.drain();

      expect(received.map((e) => e.time)).toEqual(['2026-01-02T03:04:05Z']);
    });

    it('refuses more than 10 entries in one call', async () => {
      const entries = Array.from({ length: 11 }, (_, i) =>
        entry('payment.succeeded', { eventId: `e${i}` }),
      );

      await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    });
  });

  describe('when told to fail chosen entries', () => {
    it('answers per-entry error codes and routes the rest', async () => {
      bus.failEntries({ eventId: 'bad', count: 1 });

      const output = await client.send(
        new PutEventsCommand({
          Entries: [
            entry('payment.succeeded', { eventId: 'good' }),
            entry('payment.succeeded', { eventId: 'bad' }),
          ],
        }),
      );
      await bus.drain();

      expect(output.FailedEntryCount).toBe(1);
      expect(output.Entries?.[1]).toMatchObject({ ErrorCode: 'InternalFailure' });
      expect(received.map((e) => e.detail.eventId)).toEqual(['good']);
      expect(bus.stats()).toMatchObject({
        putEventsCalls: 1,
        entriesReceived: 2,
        entriesFailed: 1,
      });
    });
  });

  describe('when a pattern is tested', () => {
    const event = {
      id: '1',
      account: '000000000000',
      source: 'integration-ledger',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      'detail-type': 'payment.succeeded',
      detail: { data: { amount: 1200 } },
    };

    it('answers as EventBridge does', async () => {
      const match = await client.send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({
            detail: { data: { amount: [{ numeric: ['>', 1000] }] } },
          }),
          Event: JSON.stringify(event),
        }),
      );
      const miss = await client.send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ 'detail-type': [{ prefix: 'refund.' }] }),
          Event: JSON.stringify(event),
        }),
      );

      expect(match.Result).toBe(true);
      expect(miss.Result).toBe(false);
    });

    it('refuses an invalid pattern', async () => {
      await expect(
        client.send(
          new TestEventPatternCommand({
            EventPattern: '{"source":"not-an-array"}',
            Event: JSON.stringify(event),
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
    });
  });
});

describe('the local bus, when a target fails for a while', () => {
  const rules = ledgerTemplateRules();
  const retryDelay = { initialMs: 5, maxMs: 20 };
  const put = (client: EventBridgeClient) =>
    client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'integration-ledger',
            DetailType: 'payment.succeeded',
            Detail: JSON.stringify({ eventId: 'evt_outage' }),
          },
        ],
      }),
    );

  it('keeps retrying past a few failures, as an EventBridge retry policy does, and delivers it', async () => {
    let failuresLeft = 12;
    const received: BusEnvelope[] = [];
    const bus = await startLocalBus({
      rules,
      retryDelay,
      targets: [
        {
          name: 'PaymentReceiptsFunction',
          handle: async (event) => {
            if (failuresLeft-- > 0) throw new Error('the subscriber is down');
            received.push(event);
          },
        },
      ],
    });
    const client = createEventBridgeClient(bus.url);
    try {
      await put(client);
      await bus.drain();

      expect(received.map((e) => e.detail.eventId)).toEqual(['evt_outage']);
      expect(bus.stats().deliveryFailures.PaymentReceiptsFunction).toBe(12);
    } finally {
      client.destroy();
      await bus.stop();
    }
  });

  it('ends the retries when the bus stops, and leaves the waiting PutEvents unaccepted so it is sent again', async () => {
    let attempts = 0;
    const bus = await startLocalBus({
      rules,
      retryDelay: { initialMs: 60_000, maxMs: 60_000 },
      targets: [
        {
          name: 'PaymentReceiptsFunction',
          handle: async () => {
            attempts += 1;
            throw new Error('the subscriber is down');
          },
        },
      ],
    });
    const client = createEventBridgeClient(bus.url);
    try {
      // The SDK sees the 503 (or, retrying it, a bus no longer listening): an error either way.
      const answer = put(client).then(
        () => 'accepted',
        () => 'not accepted',
      );
      await waitUntil(() => attempts === 1, { what: 'the first delivery attempt' });

      await bus.stop();

      expect(await answer).toBe('not accepted');
      expect(attempts).toBe(1);
    } finally {
      client.destroy();
    }
  });
});
