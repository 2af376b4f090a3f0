import { setTimeout as sleep } from 'node:timers/promises';
import { ledgerTemplateRules, type BusEnvelope } from '@ledger/bus';
import { startLocalBus, type RunningLocalBus } from '@ledger/local-bus';
import { toIntegrationEvents } from '@ledger/contracts';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { freePort } from '@ledger/local-engine';
import {
  DynamoDbReceiptStore,
  createReceiptsHandler,
  type ReceiptEvent,
} from '@ledger/payment-receipts';
import { engineStorage, eventItems } from '../support/engine-client';
import { isolatedEnv, spawnLedger } from '../support/ledger-process';
import { Tally, bySize, reportFigures, waitFor } from './support/chaos';
import { LedgerUnderChaos } from './support/ledger-under-chaos';

const ACME = { authorization: 'Bearer local-dev-key-acme', 'content-type': 'application/json' };
const RECEIPTS = 'PaymentReceiptsFunction';
const RECORDER = 'ChaosRecorder';

const SIZE = bySize({
  ci: { clients: 3, paymentsPerClient: 8, busDownMs: 4_000, targetDownMs: 1_500 },
  full: { clients: 6, paymentsPerClient: 40, busDownMs: 15_000, targetDownMs: 2_500 },
});

/** A stable small number from an id, so the same events fail on every run. */
const bucket = (id: string, size: number): number =>
  [...id].reduce((sum, ch) => (sum * 31 + ch.charCodeAt(0)) % 1_000_003, 7) % size;

describe('chaos: integration events while the bus and its targets fail', () => {
  let bus: RunningLocalBus | undefined;
  let ledger: LedgerUnderChaos | undefined;
  let storage: LedgerStorage | undefined;

  afterAll(async () => {
    if (storage !== undefined) closeLedgerStorage(storage);
    await ledger?.stop();
    await bus?.stop();
  });

  it('delivers every integration event at least once, in order per payment', async () => {
    const busPort = await freePort();
    const env = await isolatedEnv({
      LOG_LEVEL: 'warn',
      EVENTBRIDGE_ENDPOINT: `http://127.0.0.1:${busPort}`,
    });

    // The subscribers: the example receipts function and a recorder of everything, both flaky:
    // every fifth event's first attempt throws, every seventh is slow, and for a while all fail.
    const arrivals: Array<{ eventId: string; paymentId: string; version: number }> = [];
    const attempts = new Map<string, number>();
    const targetFaults = new Tally();
    let targetDown = false;
    const flaky = async (target: string, event: BusEnvelope): Promise<void> => {
      const eventId = String(event.detail.eventId);
      const attempt = (attempts.get(`${target}:${eventId}`) ?? 0) + 1;
      attempts.set(`${target}:${eventId}`, attempt);
      if (targetDown) {
        targetFaults.add('down');
        throw new Error('target down (chaos)');
      }
      if (bucket(eventId, 5) === 0 && attempt === 1) {
        targetFaults.add('failed_once');
        throw new Error('target failed (chaos)');
      }
      if (bucket(eventId, 7) === 0) {
        targetFaults.add('slow');
        await sleep(300);
      }
    };
    // The receipts handler needs the engine the ledger starts: set once it runs.
    const subscriber: { receipts?: (event: ReceiptEvent) => Promise<void> } = {};
    const startBus = () =>
      startLocalBus({
        port: busPort,
        rules: [
          ...ledgerTemplateRules(),
          {
            name: 'ChaosRecorder.Everything',
            eventBusName: 'default',
            pattern: { source: ['integration-ledger'] },
            targets: [RECORDER],
          },
        ],
        targets: [
          {
            name: RECEIPTS,
            handle: async (event) => {
              await flaky(RECEIPTS, event);
              await subscriber.receipts!(event);
            },
          },
          {
            name: RECORDER,
            handle: async (event) => {
              await flaky(RECORDER, event);
              arrivals.push({
                eventId: String(event.detail.eventId),
                paymentId: String(event.detail.paymentId),
                version: Number(event.detail.streamVersion),
              });
            },
          },
        ],
      });
    bus = await startBus();
    ledger = new LedgerUnderChaos(env);
    await ledger.healthy();
    const running = ledger;
    storage = engineStorage(env);
    const receiptStore = DynamoDbReceiptStore.of(storage);
    subscriber.receipts = createReceiptsHandler(receiptStore);
    const run = Date.now().toString(36);

    // Traffic: payments (some declined) and partial refunds, each retried until answered.
    const answers = new Tally();
    let done = 0;
    const call = async (
      path: string,
      key: string,
      body: object,
    ): Promise<{ paymentId?: string }> => {
      for (;;) {
        const response = await fetch(`${running.baseUrl}${path}`, {
          method: 'POST',
          headers: { ...ACME, 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(120_000),
        }).catch(() => undefined);
        answers.add(response?.status ?? 'network_error');
        if (response?.status === 201) return (await response.json()) as { paymentId?: string };
        await response?.arrayBuffer();
        await sleep(Math.min(Number(response?.headers.get('retry-after') ?? '1'), 5) * 1000);
      }
    };
    const client = async (lane: number): Promise<void> => {
      for (let i = 0; i < SIZE.paymentsPerClient; i++) {
        const n = lane * SIZE.paymentsPerClient + i;
        const amount = 5_000 + n * 100 + (n % 6 === 5 ? 2 : 0);
        const { paymentId } = await call('/payments', `bus-${run}-${n}`, {
          amount,
          currency: 'EUR',
        });
        if (amount % 100 !== 2) {
          await call(`/payments/${paymentId}/refunds`, `bus-${run}-${n}-r`, { amount: 1_000 });
        }
        done += 1;
      }
    };
    const total = SIZE.clients * SIZE.paymentsPerClient;
    const clients = Array.from({ length: SIZE.clients }, (_, lane) => client(lane));

    // The faults, in turn while the traffic runs.
    await waitFor('a fifth of the traffic', () => done >= total / 5, { timeoutMs: 600_000 });
    bus.failEntries({ count: 10 });
    await waitFor('two fifths of the traffic', () => done >= (total * 2) / 5, {
      timeoutMs: 600_000,
    });
    targetDown = true;
    await sleep(SIZE.targetDownMs); // the length of the target's outage: the fault, not a wait
    targetDown = false;
    await waitFor('three fifths of the traffic', () => done >= (total * 3) / 5, {
      timeoutMs: 600_000,
    });
    await bus.stop();
    await sleep(SIZE.busDownMs); // the length of the bus's outage: the fault, not a wait
    bus = await startBus();
    await waitFor('four fifths of the traffic', () => done >= (total * 4) / 5, {
      timeoutMs: 600_000,
    });
    await running.killAndRestart();
    await Promise.all(clients);

    // What should have been published: the contract mapping of every payment stream.
    const streams = [
      ...new Set((await eventItems(storage, 'acme#payment#')).map((item) => String(item.pk))),
    ];
    const expected = new Map<string, { paymentId: string; version: number; detailType: string }>();
    for (const streamId of streams) {
      const { events } = await storage.eventStore.readStream(streamId);
      for (const integration of toIntegrationEvents(events)) {
        expected.set(integration.detail.eventId, {
          paymentId: integration.detail.paymentId,
          version: integration.detail.streamVersion,
          detailType: integration.detailType,
        });
      }
    }
    const delivered = () => new Set(arrivals.map((a) => a.eventId));
    const missingNow = () => [...expected.keys()].filter((id) => !delivered().has(id));
    // The publisher catches up after the restart; what it gave up on waits in the dead letters.
    let deadLettered = 0;
    let redriven = 0;
    // Events the publisher gave up on (the bus refused their entry on every attempt): the stream
    // moved on without them, and the redrive delivers them after their successors, as designed.
    const redrivenIds = new Set<string>();
    try {
      await waitFor('every integration event at the recorder', () => missingNow().length === 0, {
        timeoutMs: 120_000,
      });
    } catch {
      const list = spawnLedger(env, ['dead-letters', 'list', '--limit', '100000']);
      await list.exited;
      const letters = list
        .output()
        .split('\n')
        .filter((line) => line.includes('acme#payment#'));
      deadLettered = letters.length;
      for (const line of letters) {
        const eventId = /"eventId":"([^"]+)"/.exec(line)?.[1];
        if (eventId !== undefined) redrivenIds.add(eventId);
      }
      for (;;) {
        const redrive = spawnLedger(env, ['dead-letters', 'redrive', '--limit', '1000']);
        await redrive.exited;
        const count = Number(/"redriven":(\d+)/.exec(redrive.output())?.[1] ?? 0);
        redriven += count;
        if (count === 0) break;
      }
      await waitFor('every integration event after the redrive', () => missingNow().length === 0, {
        timeoutMs: 120_000,
      }).catch(() => undefined);
    }
    await bus.drain();

    // Order: per payment, the first arrival of each event follows stream order (the redriven
    // dead letters aside).
    const firstArrivals = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const arrival of arrivals) {
      if (seen.has(arrival.eventId)) continue;
      seen.add(arrival.eventId);
      if (redrivenIds.has(arrival.eventId)) continue;
      firstArrivals.set(arrival.paymentId, [
        ...(firstArrivals.get(arrival.paymentId) ?? []),
        arrival.version,
      ]);
    }
    const outOfOrder = [...firstArrivals]
      .filter(([, versions]) => versions.some((v, i) => i > 0 && v < versions[i - 1]))
      .map(([paymentId, versions]) => `${paymentId}: ${versions.join(',')}`);
    const missing = missingNow();
    // The example subscriber got every outcome and refund too (deduplicated on eventId).
    const receiptEvents = [...expected].filter(([, e]) =>
      ['payment.succeeded', 'payment.failed', 'refund.succeeded'].includes(e.detailType),
    );
    const receiptIds = new Set<string>();
    for (const paymentId of new Set(receiptEvents.map(([, e]) => e.paymentId))) {
      for (const receipt of await receiptStore.forPayment('acme', paymentId))
        receiptIds.add(receipt.eventId);
    }
    const missingReceipts = receiptEvents.filter(([eventId]) => !receiptIds.has(eventId)).length;

    reportFigures('bus', {
      payments: streams.length,
      integrationEvents: expected.size,
      deliveries: arrivals.length,
      redeliveries: arrivals.length - seen.size,
      missing: missing.length,
      outOfOrder,
      receiptsExpected: receiptEvents.length,
      missingReceipts,
      deadLettered,
      redriven,
      faults: {
        entriesRefusedOnRequest: 10,
        busDownMs: SIZE.busDownMs,
        targetDownMs: SIZE.targetDownMs,
        target: targetFaults.counts,
        kills: running.kills,
      },
      busStatsSinceRestart: bus.stats(),
      answersByStatus: answers.counts,
    });

    expect(expected.size).toBeGreaterThan(total * 2);
    expect(missing).toEqual([]);
    expect(missingReceipts).toBe(0);
    expect(outOfOrder).toEqual([]);
  });
});
