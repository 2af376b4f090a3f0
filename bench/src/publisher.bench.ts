import { hrtime } from 'node:process';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { BusEnvelope } from '@ledger/bus';
import {
  busAdapters,
  createEventBridgeClient,
  IntegrationEventPublisher,
  PUBLISHER,
} from '@ledger/bus/aws';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { startLocalBus, type RunningLocalBus } from '@ledger/local-bus';
import { appendAsFastAsPossible, appendAtSteadyRate, msBetween } from './append-load';
import { median, percentile } from './harness';
import { EVENTS_PER_PAYMENT, interleavedPayments, runTag } from './payment-events';
import {
  idleSleepNote,
  runnerTablesNote,
  skipBacklog,
  startPoller,
  waitUntil,
  type RunningPoller,
  type SkippedBacklog,
} from './scenario-storage';
import {
  check,
  type BenchContext,
  type ResultRow,
  type Scenario,
  type ScenarioResult,
} from './scenario';

const NAME = 'publisher';
const ROUNDS = 3;
const APPEND_IN_FLIGHT = 16;
/** From the issue: a burst should fill PutEvents calls (at most 10 entries each). */
const TARGET_ENTRIES_PER_CALL = 9;
const DELIVERY_TIMEOUT_MS = 60_000;
/** Appends per second for the latency: as for the projection lag (see its LAG_RATE). */
const STEADY_RATE = 50;

const FULL = {
  burstStreams: 200,
  steadyRate: STEADY_RATE,
  steadySeconds: 10,
  steadyWarmUpSeconds: 2,
};
const QUICK = {
  burstStreams: 40,
  steadyRate: STEADY_RATE,
  steadySeconds: 2,
  steadyWarmUpSeconds: 0.5,
};
type Sizing = typeof FULL;

/** What the bus's one target saw: when each integration event arrived, by ledger event id. */
class Recorder {
  readonly receivedAtNs = new Map<string, bigint>();
  duplicates = 0;
  unknownShape = 0;

  readonly handle = (event: BusEnvelope): Promise<void> => {
    const now = hrtime.bigint();
    const eventId = event.detail.eventId;
    if (typeof eventId !== 'string') this.unknownShape++;
    else if (this.receivedAtNs.has(eventId)) this.duplicates++;
    else this.receivedAtNs.set(eventId, now);
    return Promise.resolve();
  };

  hasAll(eventIds: readonly string[]): boolean {
    return eventIds.every((id) => this.receivedAtNs.has(id));
  }

  /** Arrival times of `eventIds`, in their order (all must have arrived). */
  arrivals(eventIds: readonly string[]): bigint[] {
    return eventIds.map((id) => this.receivedAtNs.get(id)!);
  }
}

/** PutEvents calls the publisher's batcher made, with their entry counts. */
class CallCounter {
  calls = 0;
  entries = 0;
  readonly onCall = (entries: number): void => {
    this.calls++;
    this.entries += entries;
  };

  take(): { calls: number; entries: number } {
    const taken = { calls: this.calls, entries: this.entries };
    this.calls = 0;
    this.entries = 0;
    return taken;
  }
}

/** The scenario's moving parts: one publisher, driven by pollers started and stopped at will. */
interface Rig {
  context: BenchContext;
  storage: LedgerStorage;
  publisher: IntegrationEventPublisher;
  recorder: Recorder;
  counter: CallCounter;
  sizing: Sizing;
  pollers: RunningPoller[];
}

interface Burst {
  events: number;
  calls: number;
  entries: number;
  entriesPerCall: number;
  /** Live: first append → last arrival. Backlog: poller start → last arrival (the drain). */
  elapsedMs: number;
  opsPerSec: number;
  /** Live: each event's append → its arrival. Backlog: poller start → each arrival. */
  p50Ms: number;
  p99Ms: number;
  appendPerSec: number;
}

interface Steady {
  appended: number;
  appendRate: number;
  maxStartDelayMs: number;
  stalls: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  calls: number;
  entries: number;
  /** The poller's GetRecords calls while the appends ran, and the empty ones. */
  reads: { calls: number; empty: number };
}

/**
 * Fan-out: integration events from the events table's stream to the bus through the publisher
 * (driven by the local poller): bursts to see how full its PutEvents calls get, with the poller
 * running as the events are appended and with the burst waiting as a backlog; then a steady rate
 * to time each event from its append to its arrival at a subscriber.
 */
export const publisherScenario: Scenario = {
  name: NAME,
  summary:
    'publisher via the local poller to a local bus: entries per PutEvents in a burst; ' +
    'append→subscriber latency at a steady rate',
  async run(context: BenchContext) {
    const sizing = context.quick ? QUICK : FULL;
    const run = runTag();
    const recorder = new Recorder();
    const counter = new CallCounter();
    const { storage } = context;
    let bus: RunningLocalBus | undefined;
    let eventBridge: EventBridgeClient | undefined;
    const pollers: RunningPoller[] = [];
    try {
      bus = await startLocalBus({
        rules: [
          {
            name: 'all',
            eventBusName: 'default',
            pattern: { source: ['integration-ledger'] },
            targets: ['Recorder'],
          },
        ],
        targets: [{ name: 'Recorder', handle: recorder.handle }],
      });
      eventBridge = createEventBridgeClient(bus.url);
      const deadLetters = busAdapters(storage).tableDeadLetters();
      const publisher = new IntegrationEventPublisher(
        storage.eventStore,
        eventBridge,
        deadLetters,
        {
          batcher: { onCall: counter.onCall },
        },
      );
      context.log(
        `  local bus at ${bus.url}; moving the ${PUBLISHER}'s checkpoints to the head...`,
      );
      const skipped = await skipBacklog(context, storage, PUBLISHER);
      context.log(`  skipped ${skipped.records} earlier records in ${skipped.elapsedMs} ms`);
      const rig: Rig = { context, storage, publisher, recorder, counter, sizing, pollers };

      const live = await liveBursts(rig, run);
      const backlog = await backlogBursts(rig, run);
      const steady = await measureSteady(rig, run);

      const letters = await deadLetters.list(100);
      return report(sizing, skipped, live, backlog, steady, {
        busStats: bus.stats(),
        deadLetters: letters.length,
        parked: pollers.reduce((n, p) => n + p.parked(), 0),
        pollFailures: pollers.reduce((n, p) => n + p.pollFailures(), 0),
        duplicates: recorder.duplicates,
        unknownShape: recorder.unknownShape,
      });
    } finally {
      for (const poller of pollers) await poller.stop();
      eventBridge?.destroy();
      await bus?.stop();
    }
  },
};

async function startPublisherPoller(rig: Rig): Promise<RunningPoller> {
  const poller = await startPoller(rig.context, rig.storage, rig.publisher);
  rig.pollers.push(poller);
  return poller;
}

function formatBurst(name: string, burst: Burst, live: boolean): string {
  return (
    `  ${name}: ${burst.events} events (appended at ${Math.round(burst.appendPerSec)}/s), ` +
    `${live ? 'on the bus' : 'drained'} in ${(burst.elapsedMs / 1000).toFixed(1)} s: ` +
    `${burst.calls} PutEvents calls, ${burst.entriesPerCall.toFixed(2)} entries/call, ` +
    `${live ? 'append' : 'poller start'}→subscriber p50 ${burst.p50Ms.toFixed(0)} ms, ` +
    `p99 ${burst.p99Ms.toFixed(0)} ms`
  );
}

/** The poller runs throughout; each burst is appended while it reads. First one discarded. */
async function liveBursts(rig: Rig, run: string): Promise<Burst[]> {
  const poller = await startPublisherPoller(rig);
  const bursts: Burst[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const planned = interleavedPayments(`pay_${run}_l${round}_`, rig.sizing.burstStreams);
      const appendedAtNs = new Map<string, bigint>();
      rig.counter.take();
      const started = hrtime.bigint();
      const append = await appendAsFastAsPossible(
        rig.storage.eventStore,
        planned,
        APPEND_IN_FLIGHT,
        (_planned, result, at) => appendedAtNs.set(result.eventIds[0], at),
      );
      const eventIds = [...appendedAtNs.keys()];
      await waitForAll(rig.recorder, eventIds, 'burst');
      const arrivals = rig.recorder.arrivals(eventIds);
      const lags = Float64Array.from(eventIds, (id, i) =>
        msBetween(appendedAtNs.get(id)!, arrivals[i]),
      ).sort();
      const burst = summarise(rig.counter, eventIds.length, msBetween(started, latest(arrivals)), {
        lags,
        appendPerSec: append.opsPerSec,
      });
      rig.context.log(
        formatBurst(round === 0 ? 'warm-up burst' : `live burst ${round}/${ROUNDS}`, burst, true),
      );
      if (round > 0) bursts.push(burst);
    }
  } finally {
    await poller.stop();
  }
  return bursts;
}

/** Each burst appended with no poller running, then a poller started on the backlog. */
async function backlogBursts(rig: Rig, run: string): Promise<Burst[]> {
  const bursts: Burst[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const planned = interleavedPayments(`pay_${run}_k${round}_`, rig.sizing.burstStreams);
    const eventIds: string[] = [];
    const append = await appendAsFastAsPossible(
      rig.storage.eventStore,
      planned,
      APPEND_IN_FLIGHT,
      (_planned, result) => eventIds.push(result.eventIds[0]),
    );
    rig.counter.take();
    const started = hrtime.bigint();
    // Resumes from the checkpoint the previous poller saved: reads this burst only.
    const poller = await startPublisherPoller(rig);
    try {
      await waitForAll(rig.recorder, eventIds, 'backlog');
    } finally {
      await poller.stop();
    }
    const arrivals = rig.recorder.arrivals(eventIds);
    const sinceStart = Float64Array.from(arrivals, (at) => msBetween(started, at)).sort();
    const burst = summarise(rig.counter, eventIds.length, msBetween(started, latest(arrivals)), {
      lags: sinceStart,
      appendPerSec: append.opsPerSec,
    });
    rig.context.log(formatBurst(`backlog burst ${round}/${ROUNDS}`, burst, false));
    bursts.push(burst);
  }
  return bursts;
}

function summarise(
  counter: CallCounter,
  events: number,
  elapsedMs: number,
  extra: { lags: Float64Array; appendPerSec: number },
): Burst {
  const calls = counter.take();
  return {
    events,
    calls: calls.calls,
    entries: calls.entries,
    entriesPerCall: calls.calls === 0 ? 0 : calls.entries / calls.calls,
    elapsedMs,
    opsPerSec: (events * 1000) / elapsedMs,
    p50Ms: percentile(extra.lags, 50),
    p99Ms: percentile(extra.lags, 99),
    appendPerSec: extra.appendPerSec,
  };
}

async function measureSteady(rig: Rig, run: string): Promise<Steady> {
  const { sizing, recorder, counter } = rig;
  const warmUpEvents = Math.round(sizing.steadyRate * sizing.steadyWarmUpSeconds);
  const events = Math.round(sizing.steadyRate * sizing.steadySeconds);
  const streams = Math.ceil((warmUpEvents + events) / EVENTS_PER_PAYMENT);
  const planned = interleavedPayments(`pay_${run}_s_`, streams);
  rig.context.log(
    `  steady: ${planned.length} appends at ${sizing.steadyRate}/s (first ` +
      `${sizing.steadyWarmUpSeconds} s untimed), each timed until the subscriber has it`,
  );
  const poller = await startPublisherPoller(rig);
  try {
    const timed = new Map<string, bigint>();
    const all: string[] = [];
    counter.take();
    const readsBefore = poller.getRecords();
    const steady = await appendAtSteadyRate(
      rig.storage.eventStore,
      planned,
      sizing.steadyRate,
      (index, _item, result, appendedAtNs) => {
        all.push(result.eventIds[0]);
        if (index >= warmUpEvents) timed.set(result.eventIds[0], appendedAtNs);
      },
    );
    await waitForAll(recorder, all, 'steady');
    const readsAfter = poller.getRecords();
    const calls = counter.take();
    const lags = Float64Array.from(timed, ([id, at]) =>
      msBetween(at, recorder.receivedAtNs.get(id)!),
    ).sort();
    const result: Steady = {
      appended: steady.appended,
      appendRate: steady.achievedRate,
      maxStartDelayMs: steady.maxStartDelayMs,
      stalls: steady.stalls,
      samples: lags.length,
      p50Ms: percentile(lags, 50),
      p99Ms: percentile(lags, 99),
      maxMs: lags.length > 0 ? lags[lags.length - 1] : Number.NaN,
      calls: calls.calls,
      entries: calls.entries,
      reads: {
        calls: readsAfter.calls - readsBefore.calls,
        empty: readsAfter.empty - readsBefore.empty,
      },
    };
    rig.context.log(
      `  steady ${sizing.steadyRate}/s: ${result.samples} events timed, append→subscriber p50 ` +
        `${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`,
    );
    return result;
  } finally {
    await poller.stop();
  }
}

function waitForAll(recorder: Recorder, eventIds: readonly string[], what: string): Promise<void> {
  return waitUntil(
    () => recorder.hasAll(eventIds),
    DELIVERY_TIMEOUT_MS,
    `the ${eventIds.length} ${what} events at the subscriber`,
  );
}

function latest(times: readonly bigint[]): bigint {
  return times.reduce((a, b) => (b > a ? b : a));
}

interface Health {
  busStats: ReturnType<RunningLocalBus['stats']>;
  deadLetters: number;
  parked: number;
  pollFailures: number;
  duplicates: number;
  unknownShape: number;
}

function burstRow(label: string, sizing: Sizing, bursts: readonly Burst[]): ResultRow {
  return {
    scenario: NAME,
    label,
    inFlight: APPEND_IN_FLIGHT,
    opsPerRound: sizing.burstStreams * EVENTS_PER_PAYMENT,
    opsPerSec: median(bursts.map((b) => b.opsPerSec)),
    p50Ms: median(bursts.map((b) => b.p50Ms)),
    p99Ms: median(bursts.map((b) => b.p99Ms)),
    roundsOpsPerSec: bursts.map((b) => Math.round(b.opsPerSec)),
  };
}

function perCall(bursts: readonly Burst[]): string {
  return bursts.map((b) => `${b.entriesPerCall.toFixed(2)} (${b.entries}/${b.calls})`).join(', ');
}

function report(
  sizing: Sizing,
  skipped: SkippedBacklog,
  live: Burst[],
  backlog: Burst[],
  steady: Steady,
  health: Health,
): ScenarioResult {
  const burstEvents = sizing.burstStreams * EVENTS_PER_PAYMENT;
  const steadyRow: ResultRow = {
    scenario: NAME,
    label: `append→subscriber @${sizing.steadyRate} appends/s`,
    inFlight: 1,
    opsPerRound: steady.appended,
    opsPerSec: steady.appendRate,
    p50Ms: steady.p50Ms,
    p99Ms: steady.p99Ms,
    roundsOpsPerSec: [Math.round(steady.appendRate)],
  };
  const { busStats } = health;
  const busPerCall =
    busStats.putEventsCalls === 0 ? 0 : busStats.entriesReceived / busStats.putEventsCalls;
  const healthy =
    health.deadLetters === 0 &&
    health.parked === 0 &&
    health.pollFailures === 0 &&
    busStats.entriesFailed === 0 &&
    health.unknownShape === 0;
  const liveAppendRate = median(live.map((b) => b.appendPerSec));

  const notes = [
    runnerTablesNote(PUBLISHER, skipped),
    'IntegrationEventPublisher (its defaults: 64 streams at ' +
      'once, 5 ms linger, calls of up to 10 entries) driven by StreamPoller (idle delay 100 ms, ' +
      'batches up to 1,000), publishing to a local bus in this process whose one rule sends ' +
      'every integration-ledger event to a recorder target. Events decided by paymentDecider ' +
      '(RequestPayment, RecordGatewayAttempt, ConcludeCharge succeeded, RequestRefund, ' +
      'ConcludeRefund succeeded), so the contract mapper publishes each one; each append is one ' +
      'event and one conditional PutItem (the appender passes the head it knows).',
    `Bursts: ${sizing.burstStreams} payments × ${EVENTS_PER_PAYMENT} = ${burstEvents} events ` +
      `appended as fast as ${APPEND_IN_FLIGHT} appenders go (interleaved: every version 1, then ` +
      'every version 2, ...); done when the recorder has every event id; medians of ' +
      `${ROUNDS} bursts. Live: the poller reads while the burst is appended (one discarded ` +
      'warm-up burst first); ops/s = events from the first append to the last arrival, p50/p99 = ' +
      'each event from its append resolving to its arrival. Backlog: the burst is appended with ' +
      'no poller running, then a poller starts from the checkpoint; ops/s = events over the ' +
      'drain (poller start to last arrival), p50/p99 = poller start to each arrival.',
    `Entries per PutEvents call (batcher onCall), live bursts: ${perCall(live)}; backlog ` +
      `bursts: ${perCall(backlog)}; whole run as the bus counted it: ${busPerCall.toFixed(2)} ` +
      `(${busStats.entriesReceived}/${busStats.putEventsCalls}, warm-up and steady included).`,
    `Why the two differ: a live burst reaches the poller at the append rate (median ` +
      `${liveAppendRate.toFixed(0)}/s here), so each GetRecords returns what arrived since the ` +
      "previous one, a few records of as many streams; a stream's first event also waits for a " +
      'state read before it is submitted, past the 5 ms linger. Calls fill only when one read ' +
      'returns many records of many streams, as with the backlog (or appends much faster than ' +
      'this engine takes them).',
    `Steady: ${steady.appended} appends (one event each) started on a fixed schedule at ` +
      `${sizing.steadyRate}/s (achieved ${steady.appendRate.toFixed(1)}/s, worst start delay ` +
      `${steady.maxStartDelayMs.toFixed(0)} ms` +
      (steady.stalls > 0 ? `, WARN: ${steady.stalls} stalls on 40 unanswered appends` : '') +
      `), open loop; the first ${sizing.steadyWarmUpSeconds} s untimed, then every event timed ` +
      `from its append resolving to its arrival at the recorder: ${steady.samples} samples (max ` +
      `${steady.maxMs.toFixed(0)} ms), in the row's p50/p99 (its ops/s is the append rate). ` +
      `${steady.calls} PutEvents calls for ${steady.entries} entries ` +
      `(${(steady.calls === 0 ? 0 : steady.entries / steady.calls).toFixed(2)}/call). ` +
      `${sizing.steadyRate}/s rather than 100/s: see STEADY_RATE.`,
    idleSleepNote(
      steady.reads,
      "the 5 ms linger, a state read for a stream's first event, the PutEvents call and a " +
        'checkpoint write',
    ),
    healthy
      ? 'No dead letters, nothing parked, no poll failures, no entry refused by the bus' +
        (health.duplicates === 0
          ? ', no duplicate delivery.'
          : `; ${health.duplicates} duplicate deliveries (at least once).`)
      : `WARN: ${health.deadLetters} dead letters, ${health.parked} parked, ` +
        `${health.pollFailures} poll failures, ${busStats.entriesFailed} entries refused, ` +
        `${health.unknownShape} deliveries without a detail.eventId.`,
  ];
  return {
    rows: [
      burstRow(`live burst ${burstEvents} events append→subscriber`, sizing, live),
      burstRow(`backlog burst ${burstEvents} events drain`, sizing, backlog),
      steadyRow,
    ],
    checks: [
      check(
        'entries per PutEvents call, live burst',
        median(live.map((b) => b.entriesPerCall)),
        TARGET_ENTRIES_PER_CALL,
      ),
      check(
        'entries per PutEvents call, backlog burst',
        median(backlog.map((b) => b.entriesPerCall)),
        TARGET_ENTRIES_PER_CALL,
      ),
      check(`append→subscriber p50 ms @${sizing.steadyRate}/s`, steady.p50Ms),
      check(`append→subscriber p99 ms @${sizing.steadyRate}/s`, steady.p99Ms),
    ],
    notes,
    details: {
      rounds: ROUNDS,
      skippedBacklog: skipped,
      liveBursts: live,
      backlogBursts: backlog,
      steady,
      health,
    },
  };
}
