import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { startSandboxProcess, type RunningProcess } from '../../bench/src/child-process';
import { writeGatewayConfig } from '../../bench/src/payments-e2e';
import { engineStorage, eventItems } from '../support/engine-client';
import { isolatedEnv } from '../support/ledger-process';
import { Tally, bySize, reportFigures, waitFor } from './support/chaos';
import { LedgerUnderChaos } from './support/ledger-under-chaos';

const ACME = { authorization: 'Bearer local-dev-key-acme', 'content-type': 'application/json' };
// The committed configuration's `sandbox` provider secret (a local placeholder).
const WEBHOOK_SECRET = 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=';
const GATEWAY_KEY = 'chaos-sandbox-key-not-a-secret';

const SIZE = bySize({
  ci: { clients: 4, paymentsPerClient: 15, plainKills: 0 },
  full: { clients: 8, paymentsPerClient: 60, plainKills: 1 },
});

/** A gateway having a bad day: slow, 5xx, 429, hangs, resets; half of them after the charge. */
const CHAOTIC = {
  latencyMs: 150,
  serverErrorRate: 0.08,
  rateLimitRate: 0.05,
  hangRate: 0.02,
  dropRate: 0.03,
  afterProcessingRate: 0.5,
  duplicateWebhookRate: 0.1,
  earlyWebhookRate: 0.2,
};
/** Every call fails before processing: the restarted ledger's breaker opens. */
const DOWN = { ...CHAOTIC, serverErrorRate: 1, hangRate: 0, dropRate: 0, rateLimitRate: 0 };
const HEALTHY = {
  latencyMs: 0,
  serverErrorRate: 0,
  rateLimitRate: 0,
  hangRate: 0,
  dropRate: 0,
  afterProcessingRate: 0,
};

/** Payments charged at the gateway whose answer the ledger is waiting for when it is killed. */
const CHARGED_AT_KILL = 4;

const FINAL = ['succeeded', 'failed', 'partially_refunded', 'refunded'];

interface Charge {
  id: string;
  status: string;
  amount: number;
  paymentId: string;
}

interface ClientRecord {
  key: string;
  amount: number;
  paymentIds: Set<string>;
  /** The status of the 201 the client finally got; undefined when it gave up. */
  answered?: string;
  abandoned: boolean;
}

describe('chaos: payments through a failing gateway, with kills and the breaker open on restart', () => {
  let sandbox: RunningProcess | undefined;
  let ledger: LedgerUnderChaos | undefined;
  let storage: LedgerStorage | undefined;

  afterAll(async () => {
    storage?.dynamoDb.destroy();
    await ledger?.stop();
    await sandbox?.stop();
  });

  it('never double-charges, never leaves a charged payment failed, leaves none unsettled', async () => {
    const env = await isolatedEnv({ LOG_LEVEL: 'warn' });
    sandbox = await startSandboxProcess({
      apiKey: GATEWAY_KEY,
      webhook: { url: `http://127.0.0.1:${env.PORT}/webhooks/sandbox`, secret: WEBHOOK_SECRET },
      faults: CHAOTIC,
    });
    const gateway = sandbox;
    const configPath = join(mkdtempSync(join(tmpdir(), 'ledger-chaos-gw-')), 'ledger.config.yaml');
    await writeGatewayConfig(configPath, gateway.baseUrl, GATEWAY_KEY);
    ledger = new LedgerUnderChaos({ ...env, LEDGER_CONFIG: configPath });
    await ledger.healthy();
    const running = ledger;
    const run = Date.now().toString(36);

    const setFaults = async (faults: object): Promise<void> => {
      const response = await fetch(`${gateway.baseUrl}/_control/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
      if (response.status !== 200) throw new Error(`faults refused: ${await response.text()}`);
    };
    const circuit = async (): Promise<string | undefined> => {
      const response = await fetch(`${running.baseUrl}/health`).catch(() => undefined);
      const body = (await response?.json().catch(() => undefined)) as
        { gateway?: { circuit?: string } } | undefined;
      return body?.gateway?.circuit;
    };

    // Clients: each pays in turn, retrying a payment with the same key until it gets its 201,
    // except the ones told to walk away when the ledger dies under them.
    const records: ClientRecord[] = [];
    const answers = new Tally();
    let abandonOnNextCrash = 0;
    let circuitOpenSeen = false;
    let paid = 0;
    const pay = async (record: ClientRecord): Promise<void> => {
      for (;;) {
        const response = await fetch(`${running.baseUrl}/payments`, {
          method: 'POST',
          headers: { ...ACME, 'idempotency-key': record.key },
          body: JSON.stringify({ amount: record.amount, currency: 'EUR', orderId: record.key }),
          signal: AbortSignal.timeout(120_000),
        }).catch(() => undefined);
        if (response === undefined) {
          answers.add('network_error');
          if (abandonOnNextCrash > 0) {
            abandonOnNextCrash -= 1;
            record.abandoned = true;
            return;
          }
          await sleep(500);
          continue;
        }
        const body = (await response.json().catch(() => ({}))) as {
          paymentId?: string;
          status?: string;
        };
        answers.add(response.status);
        if (body.paymentId !== undefined) record.paymentIds.add(body.paymentId);
        if (response.status === 201) {
          record.answered = body.status;
          return;
        }
        const retryAfter = Number(response.headers.get('retry-after') ?? '1');
        await sleep(Math.min(Math.max(retryAfter, 0.5), 5) * 1000);
      }
    };
    const client = async (lane: number): Promise<void> => {
      for (let i = 0; i < SIZE.paymentsPerClient; i++) {
        const n = lane * SIZE.paymentsPerClient + i;
        // Mostly successes; every 10th declined (card_declined), every 25th insufficient_funds.
        const amount = 1_000 + n * 100 + (n % 10 === 3 ? 2 : n % 25 === 7 ? 51 : 0);
        const record: ClientRecord = {
          key: `chaos-${run}-${n}`,
          amount,
          paymentIds: new Set(),
          abandoned: false,
        };
        records.push(record);
        await pay(record);
        paid += 1;
      }
    };
    const total = SIZE.clients * SIZE.paymentsPerClient;
    const clients = Array.from({ length: SIZE.clients }, (_, lane) => client(lane));

    // A plain crash under chaos (full size): the lock expires, the clients resume.
    for (let kill = 1; kill <= SIZE.plainKills; kill++) {
      await waitFor(`${kill * 20}% of payments answered`, () => paid >= (total * kill) / 5, {
        timeoutMs: 900_000,
      });
      await running.killAndRestart();
    }

    // The crash of the issue: charges made at the gateway, the process killed before their answers
    // are recorded, the gateway down when it comes back, so its breaker opens while the clients'
    // retries resume those payments. Two clients never come back.
    await waitFor('half of the payments answered', () => paid >= total / 2, {
      timeoutMs: 900_000,
    });
    const gatewayRequests = async (): Promise<number> =>
      ((await (await fetch(`${gateway.baseUrl}/_control/stats`)).json()) as { requests: number })
        .requests;
    // The next charges are made at the gateway and then never answered; the ledger dies while
    // it waits for them (within its 2 s attempt timeout).
    const requestsBefore = await gatewayRequests();
    const script = await fetch(`${gateway.baseUrl}/_control/script`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        responses: Array.from({ length: CHARGED_AT_KILL }, () => ({
          hang: true,
          afterProcessing: true,
        })),
      }),
    });
    if (script.status !== 200) throw new Error(`script refused: ${await script.text()}`);
    await waitFor(
      'charges to reach the gateway and hang there',
      async () => (await gatewayRequests()) >= requestsBefore + CHARGED_AT_KILL,
      { intervalMs: 20 },
    );
    abandonOnNextCrash = 2;
    await setFaults(DOWN);
    const inFlightAtKill = records.filter((r) => r.answered === undefined);
    await running.killAndRestart();
    // New payments keep coming while the gateway is down, so the breaker stays open (its
    // half-open probes fail) when the resumed runs come, whoever else is still paying.
    let keeping = true;
    const keeper = (async () => {
      for (let k = 0; keeping; k++) {
        const record: ClientRecord = {
          key: `chaos-${run}-keeper-${k}`,
          amount: 1_000,
          paymentIds: new Set(),
          abandoned: false,
        };
        records.push(record);
        await pay(record);
        // A steady stream, not a flood: the load's pace, not a wait for a state.
        await sleep(250);
      }
    })();
    await waitFor(
      "the restarted ledger's breaker to open",
      async () => (circuitOpenSeen = (await circuit()) === 'open'),
      { timeoutMs: 300_000, intervalMs: 100 },
    );
    // The resumed runs (after the 30 s key lock) meet the open breaker.
    await waitFor(
      'the payments in flight at the kill to be answered or abandoned',
      () => inFlightAtKill.every((r) => r.answered !== undefined || r.abandoned),
      { timeoutMs: 300_000 },
    );
    keeping = false;
    await setFaults(CHAOTIC);
    await Promise.all([...clients, keeper]);

    // Settlement: the gateway behaves; every payment the ledger holds that is not final is
    // reconciled through the API (what the sweeper does on a timer).
    await setFaults(HEALTHY);
    storage = engineStorage(env);
    const streams = [
      ...new Set((await eventItems(storage, 'acme#payment#')).map((item) => String(item.pk))),
    ];
    const paymentIds = streams.map((pk) => pk.slice('acme#payment#'.length));
    const viewOf = async (paymentId: string) => {
      const { events } = await storage!.eventStore.readStream(`acme#payment#${paymentId}`);
      const version = events.length;
      let view: { status?: string; version?: number; gatewayTransactionId?: string } = {};
      await waitFor(`payment ${paymentId} projected at version ${version}`, async () => {
        const response = await fetch(
          `${running.baseUrl}/payments/${paymentId}?minVersion=${version}`,
          {
            headers: ACME,
          },
        );
        view = (await response.json()) as typeof view;
        return response.status === 200 && (view.version ?? 0) >= version;
      });
      return view;
    };
    const reconciled = new Tally();
    for (const paymentId of paymentIds) {
      const before = await viewOf(paymentId);
      if (FINAL.includes(before.status ?? '')) continue;
      // A run still holding the payment's key answers 409 with Retry-After: ask again then. An
      // answer that is not final yet (the breaker still open from the outage, so nothing could be
      // asked) is asked again a little later too, as the sweeper would on its next run.
      let response: Response;
      let body: { status?: string } = {};
      const deadline = Date.now() + 300_000;
      do {
        response = await fetch(`${running.baseUrl}/payments/${paymentId}/reconcile`, {
          method: 'POST',
          headers: { authorization: ACME.authorization },
        });
        body = (await response.json()) as { status?: string };
        const pending = response.status === 200 && !FINAL.includes(body.status ?? '');
        if (response.status !== 409 && response.status !== 503 && !pending) break;
        await sleep(Number(response.headers.get('retry-after') ?? '1') * 1000);
      } while (Date.now() < deadline);
      reconciled.add(`${before.status}->${response.status}:${body.status}`);
    }

    // The truth: what the gateway holds for each payment, against what the ledger says.
    const chargesOf = async (paymentId: string): Promise<Charge[]> => {
      const response = await fetch(`${gateway.baseUrl}/v1/charges?paymentId=${paymentId}`, {
        headers: { authorization: `Bearer ${GATEWAY_KEY}` },
      });
      return ((await response.json()) as { data: Charge[] }).data;
    };
    const statuses = new Tally();
    const doubleCharged: string[] = [];
    const failedWhileCharged: string[] = [];
    const succeededWithoutCharge: string[] = [];
    const wrongCharge: string[] = [];
    const unsettled: string[] = [];
    for (const paymentId of paymentIds) {
      const view = await viewOf(paymentId);
      const charges = await chargesOf(paymentId);
      const succeeded = charges.filter((c) => c.status === 'succeeded');
      statuses.add(view.status ?? 'none');
      if (succeeded.length > 1) doubleCharged.push(paymentId);
      if (succeeded.length > 0 && view.status === 'failed') {
        failedWhileCharged.push(`${paymentId} (gateway ${succeeded[0].id})`);
      }
      if (view.status === 'succeeded' && succeeded.length === 0)
        succeededWithoutCharge.push(paymentId);
      if (
        view.status === 'succeeded' &&
        succeeded[0] &&
        view.gatewayTransactionId !== succeeded[0].id
      ) {
        wrongCharge.push(paymentId);
      }
      if (!FINAL.includes(view.status ?? '')) unsettled.push(`${paymentId}: ${view.status}`);
    }
    const stats = (await (await fetch(`${gateway.baseUrl}/_control/stats`)).json()) as {
      requests: number;
      chargesCreated: number;
      abortedRequests: number;
      webhooksSent: number;
      idempotencyKeysSeen: string[];
    };
    // Money the gateway took for a payment the ledger does not know.
    const known = new Set(paymentIds);
    const unknownToLedger = stats.idempotencyKeysSeen
      .map((key) => key.split(':'))
      .filter(
        ([tenant, paymentId, operation]) =>
          tenant === 'acme' && operation === 'charge' && !known.has(paymentId),
      );
    const severalPayments = records.filter((r) => r.paymentIds.size > 1).map((r) => r.key);

    reportFigures('gateway', {
      clients: SIZE.clients,
      clientRequests: records.length,
      abandonedByClient: records.filter((r) => r.abandoned).length,
      payments: paymentIds.length,
      answersByStatus: answers.counts,
      clientAnswersByStatus: records.reduce<Record<string, number>>((all, r) => {
        const key = r.answered ?? 'abandoned';
        all[key] = (all[key] ?? 0) + 1;
        return all;
      }, {}),
      inFlightAtBreakerKill: inFlightAtKill.length,
      kills: running.kills,
      circuitOpenSeenAfterRestart: circuitOpenSeen,
      reconciled: reconciled.counts,
      finalStatuses: statuses.counts,
      gateway: {
        requests: stats.requests,
        chargesCreated: stats.chargesCreated,
        abortedRequests: stats.abortedRequests,
        webhooksSent: stats.webhooksSent,
      },
      doubleCharged,
      failedWhileCharged,
      succeededWithoutCharge,
      wrongCharge,
      unsettled,
      chargedButUnknownToLedger: unknownToLedger.length,
      clientKeysWithSeveralPayments: severalPayments,
    });

    expect(running.kills).toBe(SIZE.plainKills + 1);
    expect(circuitOpenSeen).toBe(true);
    expect(answers.get(500)).toBe(0);
    expect(severalPayments).toEqual([]);
    expect(unknownToLedger).toEqual([]);
    expect(doubleCharged).toEqual([]);
    expect(succeededWithoutCharge).toEqual([]);
    expect(wrongCharge).toEqual([]);
    expect(failedWhileCharged).toEqual([]);
    expect(unsettled).toEqual([]);
  });
});
