import { randomBytes } from 'node:crypto';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { paymentStreamId } from '@ledger/ledger';
import { measure, median, type Measurement } from './harness';
import { PIPELINE_API_KEY, PIPELINE_TENANT, startLedger, type RunningLedger } from './ledger-start';
import {
  WAITING_STATUSES,
  addCounts,
  batchSizes,
  perSecond,
  requestToConclusion,
  tally,
} from './payments-async-stats';
import { sample } from './payments-e2e';
import type { LagStats } from './pipeline-stats';
import { documentReader, skipConsumerBacklogs } from './pipeline.workload';
import { check, type BenchContext, type ResultRow, type Scenario } from './scenario';
import { waitUntilAsync } from './wait';

const NAME = 'payments-async';
const IN_FLIGHT = 16;
/** Items per `POST /payments/batch` (its maximum), and batches in flight. */
const BATCH_SIZE = 100;
const BATCH_IN_FLIGHT = 2;
/** Documents read at once while checking that accepted payments settled. */
const READ_IN_FLIGHT = 16;
/** Generous: on a busy 2-core machine the charger may take long to drain a round. */
const SETTLE_TIMEOUT_MS = 180_000;
const SETTLE_POLL_MS = 50;
const REQUEST_TIMEOUT_MS = 30_000;
/** An amount the sandbox charges successfully (it declines only amounts ending in 02 or 51). */
const AMOUNT = 12_990;

const FULL = { payments: 500, rounds: 2, warmUp: 100, conclusionSample: 100 };
const QUICK = { payments: 60, rounds: 1, warmUp: 20, conclusionSample: 30 };

type Kind = 'sync' | 'async' | 'batch';
const KINDS: readonly Kind[] = ['sync', 'async', 'batch'];

/** The sandbox's fault settings for the run: nothing random in the gateway's answers or webhooks. */
const QUIET_FAULTS = { duplicateWebhookRate: 0, earlyWebhookRate: 0 };

interface KindRound {
  kind: Kind;
  /** The requests: `POST /payments` each (sync, async), or one batch each. */
  requests: Measurement;
  /** Payments answered (201 for sync, 202 for the others) per second of requests. */
  answeredPerSec: number;
  /** From the first request to every payment seen concluded in the read model (async, batch). */
  settledMs?: number;
  settledPerSec?: number;
  /** Request sent to `PaymentSucceeded`/`PaymentFailed` recorded, over a sample of payments. */
  conclusion?: LagStats;
  /** Statuses in the read model once settled (async, batch) or in the 201 answers (sync). */
  statuses: Record<string, number>;
}

/**
 * `POST /payments` to `ledger start` (API, consumers' process with the charger, sandbox gateway)
 * answered after the gateway call, against the same with `Prefer: respond-async` (202 once
 * `PaymentRequested` is durable, the charger charging from the stream) and against batches of
 * 100: payments accepted per second, and payments settled per second end to end.
 */
export const paymentsAsyncScenario: Scenario = {
  name: NAME,
  summary:
    `POST /payments to \`ledger start\` at ${IN_FLIGHT} in flight: synchronous vs ` +
    '`Prefer: respond-async` (accepted/s, settled/s end to end) vs batches of ' +
    `${BATCH_SIZE}`,
  async run(context: BenchContext) {
    const sizing = context.quick ? QUICK : FULL;
    const runId = randomBytes(4).toString('hex');

    context.log("  moving every consumer to the head of the stream (earlier scenarios' events)...");
    const skipped = await skipConsumerBacklogs(context);
    context.log('  starting `ledger start` (dist/apps/cli/src/main.js start, LOG_LEVEL=warn)...');
    const ledger = await startLedger({
      engineEndpoint: context.engineEndpoint,
      tablePrefix: context.tablePrefix,
    });
    const rounds: KindRound[] = [];
    let faults: Record<string, unknown> = {};
    try {
      context.log(`  ledger start at ${ledger.baseUrl} (pid ${ledger.pid}), healthy.`);
      faults = await quietSandbox(ledger);
      const client = new PaymentsClient(context, ledger, runId);
      context.log(`  warming up: ${sizing.warmUp} payments of each kind`);
      for (const kind of KINDS) {
        const round = await client.run(kind, `w-${kind}`, sizing.warmUp, 0);
        context.log(`  warm-up ${kind.padEnd(5)} ${formatRound(round)}`);
      }
      for (let r = 0; r < sizing.rounds; r++) {
        // The order turns each round, so drift on a shared machine does not favour one kind.
        const order = KINDS.map((_, i) => KINDS[(i + r) % KINDS.length]);
        for (const kind of order) {
          const round = await client.run(
            kind,
            `r${r}-${kind}`,
            sizing.payments,
            sizing.conclusionSample,
          );
          rounds.push(round);
          context.log(`  round ${r + 1}/${sizing.rounds} ${kind.padEnd(5)} ${formatRound(round)}`);
        }
      }
    } finally {
      await ledger.stop();
    }

    const of = (kind: Kind): KindRound[] => rounds.filter((r) => r.kind === kind);
    const sync = of('sync');
    const async = of('async');
    const batch = of('batch');
    const answered = (kindRounds: KindRound[]): number =>
      median(kindRounds.map((r) => r.answeredPerSec));
    const settled = (kindRounds: KindRound[]): number =>
      median(kindRounds.map((r) => r.settledPerSec ?? Number.NaN));
    const syncRate = answered(sync);
    const rows: ResultRow[] = [
      row('POST /payments sync (201)', IN_FLIGHT, sizing.payments, sync, (r) => ({
        opsPerSec: r.answeredPerSec,
        p50Ms: r.requests.p50Ms,
        p99Ms: r.requests.p99Ms,
      })),
      row('POST /payments async accepted (202)', IN_FLIGHT, sizing.payments, async, (r) => ({
        opsPerSec: r.answeredPerSec,
        p50Ms: r.requests.p50Ms,
        p99Ms: r.requests.p99Ms,
      })),
      row('POST /payments async settled', IN_FLIGHT, sizing.payments, async, settledFigures),
      row(
        `POST /payments/batch of ${BATCH_SIZE} accepted (per item)`,
        BATCH_IN_FLIGHT,
        sizing.payments,
        batch,
        (r) => ({ opsPerSec: r.answeredPerSec, p50Ms: r.requests.p50Ms, p99Ms: r.requests.p99Ms }),
      ),
      row(
        `POST /payments/batch of ${BATCH_SIZE} settled`,
        BATCH_IN_FLIGHT,
        sizing.payments,
        batch,
        settledFigures,
      ),
    ];
    const statuses = (kindRounds: KindRound[]): Record<string, number> =>
      addCounts(kindRounds.map((r) => r.statuses));
    const unsettled = [...async, ...batch].reduce(
      (sum, r) => sum + (r.statuses.outcome_unknown ?? 0),
      0,
    );
    return {
      rows,
      checks: [
        check('payments/s sync (201 answered)', syncRate),
        check('payments/s async accepted (202 answered)', answered(async)),
        check('payments/s async settled end to end', settled(async)),
        check('payments/s batch accepted', answered(batch)),
        check('payments/s batch settled end to end', settled(batch)),
        check('ratio async accepted / sync', answered(async) / syncRate),
        check('ratio async settled / sync', settled(async) / syncRate),
        check('ratio batch accepted / sync', answered(batch) / syncRate),
        check('ratio batch settled / sync', settled(batch) / syncRate),
      ],
      notes: [
        `${sizing.rounds} round(s) of ${sizing.payments} payments per kind after a warm-up of ` +
          `${sizing.warmUp} each, the kinds' order turning each round; figures are the median ` +
          "of the rounds. `ledger start` is the built CLI (API, the consumers' process with the " +
          "charger, the sandbox gateway, the local bus) on the runner's engine and tables, with " +
          'the bench configuration (tenant `bench`, sweeper off); every consumer was first moved ' +
          `to the head of the stream (${Object.entries(skipped)
            .map(([name, s]) => `${name} ${s.records}`)
            .join(', ')} earlier records skipped).`,
        `The sandbox gateway: \`ledger start\` runs it with 10% duplicated and 20% early ` +
          '(awaited before the answer) webhooks; the bench set both to 0 for this scenario so ' +
          'neither side pays for them at random, leaving no injected fault or latency ' +
          `(${JSON.stringify(faults)}). It still sends each charge's webhook 20 ms after the ` +
          'answer, so the API and the correlator take one delivery per payment on every side.',
        `Sync: closed loop of ${IN_FLIGHT} clients, each \`POST /payments\` answered 201 after ` +
          `the gateway call. Async: the same with \`Prefer: respond-async\`, answered 202; ` +
          `batch: ${BATCH_IN_FLIGHT} clients sending \`POST /payments/batch\` of ${BATCH_SIZE} ` +
          '(asynchronous by default; p50/p99 are per batch request). Accepted/s counts payments ' +
          "answered over the requests' time. Settled/s: payments over the time from the first " +
          'request until every one of them is seen neither `requested` nor `processing` in the ' +
          `read model (GET /health's backlog polled every ${SETTLE_POLL_MS} ms, then each ` +
          "payment's document read, oldest first), so it includes the projector's lag; its " +
          "p50/p99 are from each payment's request to its `PaymentSucceeded`/`PaymentFailed` " +
          `recorded, over a sample of ${sizing.conclusionSample} per round.`,
        `Statuses: sync ${JSON.stringify(statuses(sync))}, async ${JSON.stringify(statuses(async))}, ` +
          `batch ${JSON.stringify(statuses(batch))}.` +
          (unsettled > 0 ? ` WARN: ${unsettled} ended outcome_unknown.` : ''),
      ],
      details: {
        rounds,
        sandboxFaults: faults,
        skippedBacklog: skipped,
      },
    };
  },
};

function settledFigures(r: KindRound): Pick<ResultRow, 'opsPerSec' | 'p50Ms' | 'p99Ms'> {
  return {
    opsPerSec: r.settledPerSec ?? Number.NaN,
    p50Ms: r.conclusion?.p50Ms ?? Number.NaN,
    p99Ms: r.conclusion?.p99Ms ?? Number.NaN,
  };
}

function row(
  label: string,
  inFlight: number,
  opsPerRound: number,
  rounds: readonly KindRound[],
  figures: (round: KindRound) => Pick<ResultRow, 'opsPerSec' | 'p50Ms' | 'p99Ms'>,
): ResultRow {
  const each = rounds.map(figures);
  return {
    scenario: NAME,
    label,
    inFlight,
    opsPerRound,
    opsPerSec: median(each.map((f) => f.opsPerSec)),
    p50Ms: median(each.map((f) => f.p50Ms)),
    p99Ms: median(each.map((f) => f.p99Ms)),
    roundsOpsPerSec: each.map((f) => Math.round(f.opsPerSec)),
  };
}

/** Turns off the sandbox's random webhook faults; returns its fault settings as it now has them. */
async function quietSandbox(ledger: RunningLedger): Promise<Record<string, unknown>> {
  const response = await fetch(`${ledger.sandboxUrl}/_control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(QUIET_FAULTS),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`The sandbox's /_control/faults answered ${response.status}: ${text}`);
  }
  const { faults } = JSON.parse(text) as { faults: Record<string, unknown> };
  const injecting = Object.entries(faults).filter(
    ([name, value]) => name !== 'webhookDelayMs' && name !== 'retryAfterSeconds' && value !== 0,
  );
  if (injecting.length > 0) {
    throw new Error(
      `The sandbox still injects faults: ${JSON.stringify(Object.fromEntries(injecting))}`,
    );
  }
  return faults;
}

/** Sends the bench tenant's payments to `ledger start` and follows them to their conclusion. */
class PaymentsClient {
  private readonly documents: ReturnType<typeof documentReader>;

  constructor(
    private readonly context: BenchContext,
    private readonly ledger: RunningLedger,
    private readonly runId: string,
  ) {
    this.documents = documentReader(context.storage);
  }

  /** `count` payments of `kind`; for async and batch, waits until every one of them settled. */
  async run(kind: Kind, tag: string, count: number, conclusionSample: number): Promise<KindRound> {
    const requestedAt = new Map<string, number>();
    const answered: string[] = [];
    const answerStatuses: string[] = [];
    const key = (n: number): string => `bench-pa-${this.runId}-${tag}-${n}`;
    const startedAt = Date.now();
    let requests: Measurement;
    if (kind === 'batch') {
      const sizes = batchSizes(count, BATCH_SIZE);
      requests = await measure({
        name: `${NAME} ${tag}`,
        inFlight: BATCH_IN_FLIGHT,
        total: sizes.length,
        op: async (b) => {
          const first = b * BATCH_SIZE;
          const keys = Array.from({ length: sizes[b] }, (_, i) => key(first + i));
          const sentAt = Date.now();
          for (const paymentId of await this.postBatch(keys)) {
            requestedAt.set(paymentId, sentAt);
            answered.push(paymentId);
          }
        },
      });
    } else {
      requests = await measure({
        name: `${NAME} ${tag}`,
        inFlight: IN_FLIGHT,
        total: count,
        op: async (i) => {
          const sentAt = Date.now();
          const { paymentId, status } = await this.post(key(i), kind === 'async');
          requestedAt.set(paymentId, sentAt);
          answered.push(paymentId);
          answerStatuses.push(status);
        },
      });
    }
    const answeredPerSec = perSecond(answered.length, requests.elapsedMs);
    if (kind === 'sync') {
      return { kind, requests, answeredPerSec, statuses: tally(answerStatuses) };
    }
    const statuses = await this.waitSettled(answered);
    const settledMs = Date.now() - startedAt;
    const concludedAt = await concludedTimes(
      this.context.storage,
      conclusionSample > 0 ? sample(answered, conclusionSample) : [],
    );
    return {
      kind,
      requests,
      answeredPerSec,
      settledMs,
      settledPerSec: perSecond(answered.length, settledMs),
      conclusion: requestToConclusion(requestedAt, concludedAt),
      statuses,
    };
  }

  private async post(
    idempotencyKey: string,
    respondAsync: boolean,
  ): Promise<{ paymentId: string; status: string }> {
    const response = await fetch(`${this.ledger.baseUrl}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${PIPELINE_API_KEY}`,
        'idempotency-key': idempotencyKey,
        'content-type': 'application/json',
        ...(respondAsync && { prefer: 'respond-async' }),
      },
      body: JSON.stringify(paymentBody(idempotencyKey)),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const expected = respondAsync ? 202 : 201;
    if (response.status !== expected) {
      throw new Error(
        `POST /payments answered ${response.status} (expected ${expected}): ${text}\n` +
          `ledger start output:\n${this.ledger.outputTail()}`,
      );
    }
    const body = JSON.parse(text) as { paymentId?: unknown; status?: unknown };
    if (typeof body.paymentId !== 'string') throw new Error(`No paymentId in: ${text}`);
    return { paymentId: body.paymentId, status: String(body.status) };
  }

  /** One asynchronous batch; every item must be accepted (202). Returns the payment ids. */
  private async postBatch(keys: readonly string[]): Promise<string[]> {
    const response = await fetch(`${this.ledger.baseUrl}/payments/batch`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${PIPELINE_API_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        items: keys.map((idempotencyKey) => ({ idempotencyKey, ...paymentBody(idempotencyKey) })),
      }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.status !== 207) {
      throw new Error(`POST /payments/batch answered ${response.status}: ${text}`);
    }
    const { items } = JSON.parse(text) as {
      items: Array<{ status: number; body: { paymentId?: unknown } }>;
    };
    return items.map((item) => {
      if (item.status !== 202 || typeof item.body.paymentId !== 'string') {
        throw new Error(`A batch item was not accepted: ${JSON.stringify(item)}`);
      }
      return item.body.paymentId;
    });
  }

  /**
   * Resolves with the payments' statuses once none of them is `requested` or `processing` in the
   * read model. GET /health's backlog gates the reads: while it counts requested payments, the
   * charger is still at work; once it counts none, the documents are read oldest first, stopping
   * at the first still waiting (the charger works in stream order, so the rest likely wait too).
   */
  private async waitSettled(paymentIds: readonly string[]): Promise<Record<string, number>> {
    const statuses: string[] = [];
    let next = 0;
    await waitUntilAsync(
      async () => {
        if ((await this.backlog()) > 0) return false;
        while (next < paymentIds.length) {
          const chunk = paymentIds.slice(next, next + READ_IN_FLIGHT);
          const found = await Promise.all(chunk.map((id) => this.documents(PIPELINE_TENANT, id)));
          const waiting = found.findIndex(
            (document) =>
              document === undefined || WAITING_STATUSES.has(document.state.status ?? 'requested'),
          );
          const done = waiting === -1 ? chunk.length : waiting;
          for (const document of found.slice(0, done)) statuses.push(document?.state.status ?? '');
          next += done;
          if (waiting !== -1) return false;
        }
        return true;
      },
      SETTLE_TIMEOUT_MS,
      `${paymentIds.length} accepted payments to settle (${this.ledger.baseUrl})`,
      SETTLE_POLL_MS,
    );
    return tally(statuses);
  }

  /** Requested payments GET /health counts; 0 when it does not say (the reads then decide). */
  private async backlog(): Promise<number> {
    const response = await fetch(`${this.ledger.baseUrl}/health`, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json()) as { backlog?: { requested: number } };
    return body.backlog?.requested ?? 0;
  }
}

function paymentBody(idempotencyKey: string): Record<string, unknown> {
  return {
    amount: AMOUNT,
    currency: 'EUR',
    customerId: 'cus_bench_async',
    orderId: `ord-${idempotencyKey}`,
    description: 'Annual plan, 3 seats',
  };
}

/** When each payment's conclusion was recorded (epoch ms), read from its stream. */
async function concludedTimes(
  storage: LedgerStorage,
  paymentIds: readonly string[],
): Promise<Map<string, number>> {
  const concluded = new Map<string, number>();
  if (paymentIds.length === 0) return concluded;
  await measure({
    name: `${NAME} conclusions`,
    inFlight: 4,
    total: paymentIds.length,
    op: async (i) => {
      const paymentId = paymentIds[i];
      const { events } = await storage.eventStore.readStream(
        paymentStreamId(PIPELINE_TENANT, paymentId),
      );
      const conclusion = events.find(
        (event) => event.type === 'PaymentSucceeded' || event.type === 'PaymentFailed',
      );
      if (conclusion !== undefined) concluded.set(paymentId, Date.parse(conclusion.recordedAt));
    },
  });
  return concluded;
}

function formatRound(round: KindRound): string {
  const answered = round.kind === 'sync' ? '201' : '202';
  let line =
    `${Math.round(round.answeredPerSec)} payments/s answered ${answered}, ` +
    `p50 ${round.requests.p50Ms.toFixed(1)} ms, p99 ${round.requests.p99Ms.toFixed(1)} ms` +
    (round.kind === 'batch' ? ' per batch' : '');
  if (round.settledMs !== undefined && round.settledPerSec !== undefined) {
    line +=
      `; settled in ${(round.settledMs / 1000).toFixed(1)} s: ` +
      `${Math.round(round.settledPerSec)} payments/s`;
    if (round.conclusion !== undefined && round.conclusion.count > 0) {
      line +=
        `, request to concluded p50 ${round.conclusion.p50Ms.toFixed(0)} ms, ` +
        `p99 ${round.conclusion.p99Ms.toFixed(0)} ms`;
    }
  }
  return `${line} ${JSON.stringify(round.statuses)}`;
}
