import type { BusEnvelope, BusRule } from '@ledger/bus';
import { startLocalBus, type RunningLocalBus } from '@ledger/local-bus';
import { toIntegrationEvents, type IntegrationEvent } from '@ledger/contracts';
import { type StoredEvent } from '@ledger/event-store';
import {
  decodePaymentEvent,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
  handleCommand,
} from '@ledger/ledger';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { ulid } from 'ulid';
import { DynamoDbReplayJobs } from '../infrastructure/dynamodb-replay-jobs';
import type { ReplayJob, ReplayJobs } from '../jobs/replay-job';
import { LocalBusReplayDelivery } from './local-bus.delivery';
import { ReplayDeliveryError } from './replay-delivery.port';
import { newRepublishJob, type RepublishRequest } from './republish.job';
import { republish, type RepublishOptions } from './republish.runner';
import { ruleSelector } from './rule-selector';

describe('republish, against DynamoDB Local and a real local bus', () => {
  const everything = { source: ['integration-ledger'] };
  const rules: BusRule[] = [
    { name: 'A.Rule', eventBusName: 'default', pattern: everything, targets: ['A'] },
    { name: 'B.Rule', eventBusName: 'default', pattern: everything, targets: ['B'] },
    {
      name: 'A.Succeeded',
      eventBusName: 'default',
      pattern: { ...everything, 'detail-type': ['payment.succeeded'] },
      targets: ['A'],
    },
  ];
  let ledger: TestLedger;
  let bus: RunningLocalBus;
  let jobs: DynamoDbReplayJobs;
  // The store's clock, moved by hand: one second per command, so ranges are exact.
  let now = new Date('2026-03-01T10:00:00.000Z');
  const received: Record<'A' | 'B', BusEnvelope[]> = { A: [], B: [] };
  let onA: (event: BusEnvelope) => void = () => undefined;
  /** Every payment's integration events as first published, keyed by eventId. */
  const originals = new Map<string, IntegrationEvent>();
  const written: StoredEvent[] = [];

  beforeAll(async () => {
    ledger = await createTestLedger('republish', { clock: () => now });
    jobs = new DynamoDbReplayJobs(ledger.client, ledger.tables.meta);
    bus = await startLocalBus({
      rules,
      deliveryAttempts: 1,
      targets: [
        {
          name: 'A',
          handle: async (event) => {
            onA(event);
            received.A.push(event);
          },
        },
        { name: 'B', handle: async (event) => void received.B.push(event) },
      ],
    });

    const decide = async (tenant: string, paymentId: string, command: PaymentCommand) => {
      await handleCommand(
        ledger.store,
        paymentDecider,
        decodePaymentEvent,
        paymentStreamId(tenant, paymentId),
        command,
      );
      now = new Date(now.getTime() + 1_000);
    };
    const meta = (tenantId: string) => ({ now: now.toISOString(), tenantId });
    const request = (tenant: string, paymentId: string) =>
      decide(tenant, paymentId, {
        type: 'RequestPayment',
        data: { paymentId, amount: 5000, currency: 'EUR' },
        metadata: meta(tenant),
      });
    const conclude = (tenant: string, paymentId: string, outcome: 'succeeded' | 'declined') =>
      decide(tenant, paymentId, {
        type: 'ConcludeCharge',
        data: { outcome, source: 'gateway_response' },
        metadata: meta(tenant),
      });

    await request('acme', 'pay_1');
    await request('acme', 'pay_2');
    await request('globex', 'pay_3');
    await conclude('acme', 'pay_1', 'succeeded');
    // Not a payment stream: examined by the global read, never published.
    await ledger.store.append('acme#delivery#sandbox#dlv_1', 0, [{ type: 'Tick', data: {} }]);
    now = new Date(now.getTime() + 1_000);
    await conclude('acme', 'pay_2', 'declined');
    await decide('acme', 'pay_1', {
      type: 'RequestRefund',
      data: { refundId: 'ref_1', amount: 1000 },
      metadata: meta('acme'),
    });
    await conclude('globex', 'pay_3', 'succeeded');
    await decide('acme', 'pay_1', {
      type: 'ConcludeRefund',
      data: { refundId: 'ref_1', outcome: 'succeeded', source: 'gateway_response' },
      metadata: meta('acme'),
    });

    for (const [tenant, paymentId] of [
      ['acme', 'pay_1'],
      ['acme', 'pay_2'],
      ['globex', 'pay_3'],
    ]) {
      const stream: StoredEvent[] = [];
      for await (const e of ledger.store.readWholeStream(paymentStreamId(tenant, paymentId))) {
        stream.push(e);
      }
      written.push(...stream);
      for (const published of toIntegrationEvents(stream)) {
        originals.set(published.detail.eventId, published);
      }
    }
  });

  afterEach(() => {
    received.A.length = 0;
    received.B.length = 0;
    onA = () => undefined;
  });

  afterAll(async () => {
    await bus.stop();
    await ledger.close();
  });

  async function newJob(request: Partial<RepublishRequest> = {}): Promise<ReplayJob> {
    const job = newRepublishJob(
      { rule: 'A.Rule', ratePerSecond: 1_000, ...request },
      { replayId: ulid(), now },
    );
    await jobs.create(job);
    return job;
  }

  function run(job: ReplayJob, options: Partial<RepublishOptions> = {}): Promise<ReplayJob> {
    return republish({
      store: ledger.store,
      delivery: new LocalBusReplayDelivery(bus.url),
      jobs,
      job,
      ...options,
    });
  }

  const idsOf = (events: BusEnvelope[]) => events.map((e) => e.detail.eventId as string);
  const recordedAt = (type: string, paymentId: string) =>
    written.find((e) => e.type === type && e.streamId.endsWith(`#${paymentId}`))!.recordedAt;

  function expectStreamOrder(events: BusEnvelope[]): void {
    const last = new Map<unknown, number>();
    for (const { detail } of events) {
      expect(detail.streamVersion).toBeGreaterThan(last.get(detail.paymentId) ?? 0);
      last.set(detail.paymentId, detail.streamVersion as number);
    }
  }

  describe('when every payment event is republished to one rule', () => {
    let job: ReplayJob;

    beforeEach(async () => {
      job = await run(await newJob());
    });

    it("delivers each event once to that rule's target, marked as a replay, and nothing to the other", () => {
      expect(idsOf(received.A).sort()).toEqual([...originals.keys()].sort());
      expect(received.A.every((e) => e.detail.replay === true)).toBe(true);
      expect(received.B).toEqual([]);
    });

    it("delivers the details first published, with the same eventIds, in each stream's order", () => {
      for (const envelope of received.A) {
        const original = originals.get(envelope.detail.eventId as string)!;
        expect(envelope['detail-type']).toBe(original.detailType);
        expect(envelope.detail).toEqual({ ...original.detail, replay: true });
      }
      expectStreamOrder(received.A);
    });

    it('completes the job with its counts', async () => {
      const stored = await jobs.get(job.replayId);

      expect(stored).toMatchObject({
        status: 'completed',
        processed: 8,
        total: 8,
        checkpoint: expect.any(String),
        finishedAt: expect.any(String),
        result: { delivered: 8, skipped: 0 },
      });
    });
  });

  describe('when a detail-type filter is given', () => {
    it('delivers only those detail-types', async () => {
      await run(await newJob({ detailTypes: ['payment.succeeded', 'refund.succeeded'] }));

      expect(received.A.map((e) => e['detail-type']).sort()).toEqual([
        'payment.succeeded',
        'payment.succeeded',
        'refund.succeeded',
      ]);
    });
  });

  describe('when a tenant filter is given', () => {
    it("delivers only that tenant's events", async () => {
      const job = await run(await newJob({ tenantId: 'globex' }));

      expect(received.A.map((e) => [e.detail.paymentId, e['detail-type']])).toEqual([
        ['pay_3', 'payment.requested'],
        ['pay_3', 'payment.succeeded'],
      ]);
      expect(job).toMatchObject({ status: 'completed', processed: 2, total: 2 });
    });
  });

  describe('when a time range cuts streams after their start', () => {
    it('delivers the range only, with the state folded from the events before it', async () => {
      const from = recordedAt('PaymentSucceeded', 'pay_1');
      const to = recordedAt('PaymentSucceeded', 'pay_3');

      await run(await newJob({ from, to }));

      expect(received.A.map((e) => [e.detail.paymentId, e['detail-type']])).toEqual([
        ['pay_1', 'payment.succeeded'],
        ['pay_2', 'payment.failed'],
        ['pay_1', 'refund.requested'],
      ]);
      for (const envelope of received.A) {
        const original = originals.get(envelope.detail.eventId as string)!;
        expect(envelope.detail).toEqual({ ...original.detail, replay: true });
      }
    });
  });

  describe("when the target rule's pattern selects only some events", () => {
    it('skips the rest instead of having the bus refuse them', async () => {
      const job = await run(await newJob({ rule: 'A.Succeeded' }), {
        selects: ruleSelector(rules, 'A.Succeeded'),
      });

      expect(received.A.map((e) => e['detail-type'])).toEqual([
        'payment.succeeded',
        'payment.succeeded',
      ]);
      expect(job.result).toMatchObject({ delivered: 2, skipped: 6 });
    });
  });

  describe('when the bus is asked for what a rule would not select, or an unknown rule', () => {
    const envelope = (detailType: string): BusEnvelope => ({
      version: '0',
      id: 'x',
      'detail-type': detailType,
      source: 'integration-ledger',
      account: '000000000000',
      time: '2026-03-01T10:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { eventId: 'x' },
    });

    it('refuses them and delivers nothing', async () => {
      const delivery = new LocalBusReplayDelivery(bus.url);

      await expect(
        delivery.deliver('A.Succeeded', envelope('payment.failed')),
      ).rejects.toMatchObject({ busStatus: 400 });
      await expect(delivery.deliver('Nope.Rule', envelope('payment.failed'))).rejects.toThrow(
        ReplayDeliveryError,
      );
      await expect(delivery.deliver('Nope.Rule', envelope('payment.failed'))).rejects.toMatchObject(
        { busStatus: 404 },
      );
      expect(received.A).toEqual([]);
    });
  });

  describe('when it is a dry run', () => {
    it('delivers nothing and reports what it would deliver by detail-type', async () => {
      const job = await run(await newJob({ dryRun: true }));

      expect(received.A).toEqual([]);
      expect(job).toMatchObject({
        status: 'completed',
        processed: 8,
        total: 8,
        result: {
          wouldDeliver: {
            'payment.requested': 3,
            'payment.succeeded': 2,
            'payment.failed': 1,
            'refund.requested': 1,
            'refund.succeeded': 1,
          },
        },
      });
    });
  });

  describe('when a run is interrupted and resumed', () => {
    it('delivers every event exactly once over both runs', async () => {
      const controller = new AbortController();
      onA = () => {
        if (received.A.length === 2) controller.abort();
      };

      const first = await run(await newJob(), { signal: controller.signal });
      const stored = (await jobs.get(first.replayId))!;
      const resumed = await run(stored);

      expect(first).toMatchObject({ status: 'interrupted', processed: 3 });
      expect(stored.checkpoint).toBe(first.checkpoint);
      expect(resumed).toMatchObject({ status: 'completed', processed: 8, total: 8 });
      expect(idsOf(received.A).sort()).toEqual([...originals.keys()].sort());
      expectStreamOrder(received.A);
    });
  });

  describe('when the process dies mid-run and the job is resumed', () => {
    it('misses nothing and repeats at most the batch after the last saved checkpoint', async () => {
      const saveEvery = { events: 3, ms: 60_000 };
      // Saves succeed until the "crash": the running mark, the total, one batch.
      let saves = 0;
      const dying: ReplayJobs = {
        create: (job) => jobs.create(job),
        get: (id) => jobs.get(id),
        recent: (options) => jobs.recent(options),
        update: async (id, changes) => {
          if (++saves > 3) throw new Error('process died');
          await jobs.update(id, changes);
        },
      };
      const job = await newJob();

      await expect(run(job, { jobs: dying, saveEvery })).rejects.toThrow('process died');
      const stored = (await jobs.get(job.replayId))!;
      const resumed = await run(stored, { saveEvery });

      expect(stored).toMatchObject({ status: 'running', processed: 3 });
      expect(resumed.status).toBe('completed');
      const ids = idsOf(received.A);
      expect([...new Set(ids)].sort()).toEqual([...originals.keys()].sort());
      expect(ids.length - originals.size).toBeLessThanOrEqual(saveEvery.events);
    });
  });

  describe('when the target fails an event', () => {
    it('fails the job at that event, and a resume delivers from there', async () => {
      const failing = [...originals.values()].find((e) => e.detailType === 'refund.requested')!;
      onA = (event) => {
        if (event.detail.eventId === failing.detail.eventId) throw new Error('target down');
      };

      const failed = await run(await newJob());
      onA = () => undefined;
      const resumed = await run((await jobs.get(failed.replayId))!);

      expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('502') });
      expect(resumed.status).toBe('completed');
      expect(idsOf(received.A).sort()).toEqual([...originals.keys()].sort());
    });
  });
  describe("when a webhook's state event carries the delivery's link", () => {
    it('delivers the webhook.received first published for it, then the state event', async () => {
      const streamId = paymentStreamId('initech', 'pay_wh');
      const decide = async (command: PaymentCommand) => {
        await handleCommand(ledger.store, paymentDecider, decodePaymentEvent, streamId, command);
        now = new Date(now.getTime() + 1_000);
      };
      const metadata = () => ({ now: now.toISOString(), tenantId: 'initech' });
      await decide({
        type: 'RequestPayment',
        data: { paymentId: 'pay_wh', amount: 900, currency: 'EUR' },
        metadata: metadata(),
      });
      await decide({
        type: 'ApplyWebhook',
        data: {
          deliveryEventId: '01JX0000000000000000DELIV2',
          deliveryStreamId: 'initech#delivery#sandbox#evt_wh',
          provider: 'sandbox',
          deliveryId: 'evt_wh',
          providerEventType: 'payment.completed',
          intent: 'payment_succeeded',
          receivedAt: now.toISOString(),
        },
        metadata: metadata(),
      });
      const stream: StoredEvent[] = [];
      for await (const e of ledger.store.readWholeStream(streamId)) stream.push(e);
      const first = toIntegrationEvents(stream);

      const job = await run(await newJob({ tenantId: 'initech' }));

      expect(stream.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(received.A.map((e) => [e['detail-type'], e.detail.streamVersion])).toEqual([
        ['payment.requested', 1],
        ['webhook.received', 2],
        ['payment.succeeded', 2],
      ]);
      expect(received.A.map((e) => e.detail)).toEqual(
        first.map((e) => ({ ...e.detail, replay: true })),
      );
      expect(job).toMatchObject({ status: 'completed', processed: 2, result: { delivered: 3 } });
    });
  });
});
