import type { LedgerStorage } from '@ledger/event-store/aws';
import { PROJECTOR, PaymentProjector } from '@ledger/projections';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import type { ConsumerRecord, StreamConsumer } from '@ledger/stream-consumer';
import { appendAsFastAsPossible, appendAtSteadyRate, msBetween } from './append-load';
import { percentile } from './harness';
import {
  EVENTS_PER_PAYMENT,
  interleavedPayments,
  runTag,
  type PlannedEvent,
} from './payment-events';
import {
  AckTimedDocuments,
  POLLER_BATCH,
  RawDocumentWriter,
  foldDocuments,
  projectorItem,
  documentsBehind,
  driveThroughBatchProcessor,
  mirrorRecords,
  readBackRecords,
  storedItemSize,
  timeUntilVisible,
  type DocumentItem,
  type DriveResult,
} from './projection.workload';
import {
  idleSleepNote,
  medianRow,
  runnerTablesNote,
  skipBacklog,
  startPoller,
  type SkippedBacklog,
} from './scenario-storage';
import {
  check,
  type BenchContext,
  type ResultRow,
  type Scenario,
  type ScenarioResult,
} from './scenario';

const NAME = 'projection';
const ROUNDS = 3;
const IN_FLIGHT = 16;
const APPEND_IN_FLIGHT = 16;

/**
 * Appends per second for the lag, half the 100/s first tried: each event costs the engine three
 * calls (the append, the projector's GetItem and PutItem) plus the probes' reads, and the 100/s
 * runs during development queued appends up to the SDK client's socket limit (though on tables
 * created late in the run, see runnerTablesNote, and on a machine shared with other work). 50/s
 * keeps a steady state the poller can be measured in.
 */
const LAG_RATE = 50;

/** Throughput: events per round over `streams` payments of five events; `--quick` a tenth. */
const FULL = {
  streams: 400,
  warmUpStreams: 100,
  lagRate: LAG_RATE,
  lagSeconds: 10,
  lagWarmUpSeconds: 2,
  lagSampleEvery: 10,
};
const QUICK = {
  streams: 40,
  warmUpStreams: 20,
  lagRate: LAG_RATE,
  lagSeconds: 2,
  lagWarmUpSeconds: 0.5,
  lagSampleEvery: 10,
};
type Sizing = typeof FULL;
const LAG_POLL_MS = 5;
const LAG_TIMEOUT_MS = 30_000;

type Kind = 'projector' | 'raw';
const LABELS: Record<Kind, string> = {
  projector: 'PaymentProjector (BatchProcessor)',
  raw: 'raw conditional UpdateItem (BatchProcessor)',
};
// Same length, so both sides' stream ids, keys and documents are the same size.
const TAGS: Record<Kind, string> = { projector: '_prj_', raw: '_raw_' };

/**
 * The payments read model: the projector's throughput when handed batches as the poller hands
 * them, next to one raw conditional UpdateItem per event of the same document; then the lag from
 * an append to its document being readable, with the local poller running the projector.
 */
export const projectionScenario: Scenario = {
  name: NAME,
  summary: `projector events/s vs raw conditional UpdateItem @${IN_FLIGHT}; lag under steady appends`,
  async run(context: BenchContext) {
    const sizing = context.quick ? QUICK : FULL;
    const run = runTag();
    const { storage } = context;
    context.log(`  moving the ${PROJECTOR}'s checkpoints to the head of the events stream...`);
    const skipped = await skipBacklog(context, storage, PROJECTOR);
    context.log(`  skipped ${skipped.records} earlier records in ${skipped.elapsedMs} ms`);
    const lag = await measureLag(context, storage, sizing, run);
    const throughput = await measureThroughput(context, storage, sizing, run);
    return report(sizing, skipped, lag, throughput);
  },
};

interface Throughput {
  rounds: Record<Kind, DriveResult[]>;
  eventsPerRound: number;
  sizes: Record<Kind, number | undefined>;
  behind: number;
  checkedDocuments: number;
}

async function measureThroughput(
  context: BenchContext,
  storage: LedgerStorage,
  sizing: Sizing,
  run: string,
): Promise<Throughput> {
  const documents = projectionAdapters(storage).documentsOf(FIRST_GENERATION);
  const projector = new PaymentProjector(storage.eventStore, documents);

  // Streams appended for real (the projector reads the store on a gap), read back as records.
  const prepare = async (
    label: string,
    streams: number,
  ): Promise<{
    planned: PlannedEvent[];
    records: Record<Kind, ConsumerRecord[]>;
    raw: RawDocumentWriter;
    /** Each side's item after the last record, to compare their sizes. */
    lastItems: Record<Kind, DocumentItem | undefined>;
  }> => {
    const planned = interleavedPayments(`pay_${run}_${label}${TAGS.projector}`, streams);
    const order: PlannedEvent[] = [];
    await appendAsFastAsPossible(storage.eventStore, planned, APPEND_IN_FLIGHT, (p) =>
      order.push(p),
    );
    const records = await readBackRecords(storage, order);
    const table = storage.tables.readModels;
    const mirror = await mirrorRecords(records, TAGS.projector, TAGS.raw, table);
    const keyOf = (record: ConsumerRecord | undefined): string =>
      `${record?.event.streamId}#${record?.event.version}`;
    const lastDocument = foldDocuments(records.map((r) => r.event)).get(keyOf(records.at(-1)));
    return {
      planned,
      records: { projector: records, raw: mirror.records },
      raw: new RawDocumentWriter(storage.dynamoDb, table, mirror.items),
      lastItems: {
        projector: lastDocument && (await projectorItem(table, lastDocument)),
        raw: mirror.items.get(keyOf(mirror.records.at(-1)))?.item,
      },
    };
  };
  const consumers = (raw: RawDocumentWriter): Record<Kind, StreamConsumer> => ({
    projector,
    raw,
  });

  context.log(
    `  throughput: warm-up with ${sizing.warmUpStreams * EVENTS_PER_PAYMENT} events (discarded)`,
  );
  const warm = await prepare('w', sizing.warmUpStreams);
  for (const kind of ['projector', 'raw'] as const) {
    await driveThroughBatchProcessor(storage, consumers(warm.raw)[kind], warm.records[kind]);
  }

  const rounds: Record<Kind, DriveResult[]> = { projector: [], raw: [] };
  const projected: PlannedEvent[] = [];
  let last: Record<Kind, DocumentItem | undefined> = { projector: undefined, raw: undefined };
  for (let round = 0; round < ROUNDS; round++) {
    const prepared = await prepare(`r${round + 1}`, sizing.streams);
    const order: Kind[] = round % 2 === 0 ? ['projector', 'raw'] : ['raw', 'projector'];
    for (const kind of order) {
      const result = await driveThroughBatchProcessor(
        storage,
        consumers(prepared.raw)[kind],
        prepared.records[kind],
      );
      rounds[kind].push(result);
      context.log(
        `  round ${round + 1}/${ROUNDS} ${LABELS[kind].padEnd(44)} ` +
          `${Math.round(result.opsPerSec)} events/s, p50 ${result.p50Ms.toFixed(1)} ms, ` +
          `p99 ${result.p99Ms.toFixed(1)} ms` +
          (result.parked > 0 ? `, WARN: ${result.parked} parked` : ''),
      );
    }
    projected.push(...prepared.planned.filter((p) => p.version === 1));
    last = prepared.lastItems;
  }

  const sizeOf = (item: DocumentItem | undefined) =>
    item === undefined ? Promise.resolve(undefined) : storedItemSize(storage, item);
  const sizes = { projector: await sizeOf(last.projector), raw: await sizeOf(last.raw) };
  context.log(`  checking the ${projected.length} projected documents are complete...`);
  const behind = await documentsBehind(documents, projected, EVENTS_PER_PAYMENT);
  return {
    rounds,
    eventsPerRound: sizing.streams * EVENTS_PER_PAYMENT,
    sizes,
    behind,
    checkedDocuments: projected.length,
  };
}

interface Lag {
  lagsMs: number[];
  appendRate: number;
  appended: number;
  maxStartDelayMs: number;
  /** Times the open loop waited on 40 unanswered appends: the engine did not keep up. */
  stalls: number;
  probeReads: number;
  probeReadsPerSec: number;
  parked: number;
  pollFailures: number;
  behind: number;
  payments: number;
  /** The poller's GetRecords calls while the appends ran, and the empty ones. */
  reads: { calls: number; empty: number };
  /** Every timed event, from its append resolving to the projector's write being acknowledged. */
  ack: { events: number; p50Ms: number; p99Ms: number };
}

async function measureLag(
  context: BenchContext,
  storage: LedgerStorage,
  sizing: Sizing,
  run: string,
): Promise<Lag> {
  const documents = projectionAdapters(storage).documentsOf(FIRST_GENERATION);
  const warmUpEvents = Math.round(sizing.lagRate * sizing.lagWarmUpSeconds);
  const events = Math.round(sizing.lagRate * sizing.lagSeconds);
  const streams = Math.ceil((warmUpEvents + events) / EVENTS_PER_PAYMENT);
  const planned = interleavedPayments(`pay_${run}_lag_`, streams);
  context.log(
    `  lag: poller + PaymentProjector running; ${planned.length} appends at ` +
      `${sizing.lagRate}/s (first ${sizing.lagWarmUpSeconds} s discarded), every ` +
      `${sizing.lagSampleEvery}th timed until its document is readable (GetItem every ${LAG_POLL_MS} ms)`,
  );
  const acked = new AckTimedDocuments(documents);
  const appendedAtNs = new Map<string, bigint>();
  const poller = await startPoller(
    context,
    storage,
    new PaymentProjector(storage.eventStore, acked),
  );
  const probes: Promise<{ lagMs: number; reads: number }>[] = [];
  try {
    const readsBefore = poller.getRecords();
    const steady = await appendAtSteadyRate(
      storage.eventStore,
      planned,
      sizing.lagRate,
      (index, item, _result, appendedAt) => {
        if (index < warmUpEvents) return;
        appendedAtNs.set(`${item.paymentId}#${item.version}`, appendedAt);
        if ((index - warmUpEvents) % sizing.lagSampleEvery !== 0) return;
        const probe = timeUntilVisible(documents, item, appendedAt, {
          pollMs: LAG_POLL_MS,
          timeoutMs: LAG_TIMEOUT_MS,
        });
        probe.catch(() => undefined);
        probes.push(probe);
      },
    );
    const results = await Promise.all(probes);
    const readsAfter = poller.getRecords();
    // Every event of the run projected, not only the sampled ones.
    const deadline = Date.now() + LAG_TIMEOUT_MS;
    const firsts = planned.filter((p) => p.version === 1);
    let behind = await documentsBehind(documents, firsts, EVENTS_PER_PAYMENT);
    while (behind > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      behind = await documentsBehind(documents, firsts, EVENTS_PER_PAYMENT);
    }
    const probeReads = results.reduce((sum, r) => sum + r.reads, 0);
    const ackLags = Float64Array.from(
      [...appendedAtNs].flatMap(([key, at]) => {
        const written = acked.writtenAtNs.get(key);
        return written === undefined ? [] : [msBetween(at, written)];
      }),
    ).sort();
    const probeLags = Float64Array.from(results, (r) => r.lagMs).sort();
    context.log(
      `  lag: ${results.length} samples, append→document visible p50 ` +
        `${percentile(probeLags, 50).toFixed(1)} ms, p99 ${percentile(probeLags, 99).toFixed(1)} ms; ` +
        `→ write acknowledged (all ${ackLags.length}) p50 ${percentile(ackLags, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(ackLags, 99).toFixed(1)} ms; ${readsAfter.calls - readsBefore.calls} ` +
        `GetRecords, ${readsAfter.empty - readsBefore.empty} empty`,
    );
    return {
      ack: {
        events: ackLags.length,
        p50Ms: percentile(ackLags, 50),
        p99Ms: percentile(ackLags, 99),
      },
      lagsMs: results.map((r) => r.lagMs),
      appendRate: steady.achievedRate,
      appended: steady.appended,
      maxStartDelayMs: steady.maxStartDelayMs,
      stalls: steady.stalls,
      probeReads,
      probeReadsPerSec: (probeReads * 1000) / steady.elapsedMs,
      parked: poller.parked(),
      pollFailures: poller.pollFailures(),
      behind,
      payments: firsts.length,
      reads: {
        calls: readsAfter.calls - readsBefore.calls,
        empty: readsAfter.empty - readsBefore.empty,
      },
    };
  } finally {
    await poller.stop();
  }
}

function report(
  sizing: Sizing,
  skipped: SkippedBacklog,
  lag: Lag,
  throughput: Throughput,
): ScenarioResult {
  const projectorRow = medianRow(
    NAME,
    LABELS.projector,
    IN_FLIGHT,
    throughput.eventsPerRound,
    throughput.rounds.projector,
  );
  const rawRow = medianRow(
    NAME,
    LABELS.raw,
    IN_FLIGHT,
    throughput.eventsPerRound,
    throughput.rounds.raw,
  );
  const sorted = Float64Array.from(lag.lagsMs).sort();
  const lagRow: ResultRow = {
    scenario: NAME,
    label: `lag append→document visible @${sizing.lagRate} appends/s`,
    inFlight: 1,
    opsPerRound: lag.appended,
    opsPerSec: lag.appendRate,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    roundsOpsPerSec: [Math.round(lag.appendRate)],
  };
  const parked =
    throughput.rounds.projector.reduce((n, r) => n + r.parked, 0) +
    throughput.rounds.raw.reduce((n, r) => n + r.parked, 0);
  const { sizes } = throughput;

  const notes = [
    runnerTablesNote(PROJECTOR, skipped),
    `Throughput: per round, ${sizing.streams} payments × ${EVENTS_PER_PAYMENT} events ` +
      '(RequestPayment, RecordGatewayAttempt, ConcludeCharge, RequestRefund, ConcludeRefund, ' +
      'each decided by paymentDecider) appended for real (untimed, interleaved: every ' +
      'version 1, then every version 2, ...), read back as stream records in append order, then ' +
      `handed to a BatchProcessor in batches of ${POLLER_BATCH} as the poller would (${IN_FLIGHT} ` +
      'streams at once, each in order). events/s over the whole handing; p50/p99 per event ' +
      `handle. ${ROUNDS} rounds, interleaved (projector/raw, then raw/projector, ...), after a ` +
      `discarded ${sizing.warmUpStreams * EVENTS_PER_PAYMENT}-event warm-up; medians of rounds.`,
    'Projector per event: consistent GetItem of the document, fold, conditional PutItem ' +
      '(attribute_not_exists(pk) / version = :expected). Raw per event: one conditional ' +
      'UpdateItem (SET every attribute, attribute_not_exists(pk) OR version = :prev) of the ' +
      'document folded beforehand, other payments of the same id length, same read-models ' +
      'table (same GSI upkeep). The projector makes two engine calls per event to its one, so ' +
      'where the engine is the bottleneck a ratio near 0.5 is expected. No target: reported only.',
    `Document size read back: projector ${sizes.projector} B, raw ${sizes.raw} B` +
      (sizes.projector === sizes.raw ? '.' : ' (WARN: sizes differ, comparison is skewed).'),
    throughput.behind === 0 && parked === 0
      ? `Projected: all ${throughput.checkedDocuments} payments' documents read back at version ` +
        `${EVENTS_PER_PAYMENT}; nothing parked.`
      : `WARN: ${throughput.behind} of ${throughput.checkedDocuments} documents not at version ` +
        `${EVENTS_PER_PAYMENT}, ${parked} records parked.`,
    `Lag: StreamPoller (default idle delay 100 ms, batches up to 1,000) running the projector on ` +
      `the events table's stream; appends of ${lag.appended} events (one per append, ` +
      `${lag.payments} payments interleaved) started on a fixed schedule at ` +
      `${sizing.lagRate}/s (achieved ${lag.appendRate.toFixed(1)}/s, worst start delay ` +
      `${lag.maxStartDelayMs.toFixed(0)} ms` +
      (lag.stalls > 0 ? `, WARN: ${lag.stalls} stalls on 40 unanswered appends` : '') +
      `), open loop; the first ${sizing.lagWarmUpSeconds} s ` +
      `untimed, then every ${sizing.lagSampleEvery}th event timed from its append resolving to ` +
      `a consistent GetItem (every ${LAG_POLL_MS} ms) seeing its version: ${lag.lagsMs.length} ` +
      "samples, p50/p99 over them (nearest rank), in the row's p50/p99 (its ops/s is the append " +
      `rate). ${sizing.lagRate}/s rather than 100/s: see LAG_RATE.`,
    `Cross-check without probes: every timed event (${lag.ack.events}) from its append ` +
      "resolving to the projector's write of that version being acknowledged: p50 " +
      `${lag.ack.p50Ms.toFixed(1)} ms, p99 ${lag.ack.p99Ms.toFixed(1)} ms (the probe figure ` +
      'adds up to one probe interval and read).',
    idleSleepNote(
      lag.reads,
      "a GetRecords, the projector's read and write, a checkpoint write and up to one probe " +
        'interval',
    ) +
      ` The probes added ${lag.probeReads} GetItems (${lag.probeReadsPerSec.toFixed(0)}/s) to ` +
      'the engine.',
    lag.behind === 0 && lag.parked === 0 && lag.pollFailures === 0
      ? `Lag run: all ${lag.payments} payments projected to version ${EVENTS_PER_PAYMENT}; ` +
        'nothing parked, no poll failures.'
      : `WARN: lag run: ${lag.behind} payments not fully projected, ${lag.parked} parked, ` +
        `${lag.pollFailures} poll failures.`,
  ];
  return {
    rows: [projectorRow, rawRow, lagRow],
    checks: [
      check(
        `ratio projector/raw UpdateItem @${IN_FLIGHT}`,
        projectorRow.opsPerSec / rawRow.opsPerSec,
      ),
      check(`projector events/s @${IN_FLIGHT}`, projectorRow.opsPerSec),
      check(`projection lag p50 ms @${sizing.lagRate}/s`, lagRow.p50Ms),
      check(`projection lag p99 ms @${sizing.lagRate}/s`, lagRow.p99Ms),
    ],
    notes,
    details: {
      rounds: ROUNDS,
      skippedBacklog: skipped,
      throughputRounds: throughput.rounds,
      documentSizeBytes: sizes,
      lag: {
        samples: lag.lagsMs.length,
        appendRate: lag.appendRate,
        maxStartDelayMs: lag.maxStartDelayMs,
        maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : undefined,
        probeReads: lag.probeReads,
        untilWriteAcknowledged: lag.ack,
        getRecords: lag.reads,
      },
    },
  };
}
