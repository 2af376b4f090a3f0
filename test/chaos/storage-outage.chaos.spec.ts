import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { freePort, startDynamoDbLocal, type RunningDynamoDbLocal } from '@ledger/local-engine';
import { deliveryId, senderHeaders, webhookBody } from '../../bench/src/webhook-ingest.payload';
import { engineStorage } from '../support/engine-client';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from '../support/ledger-process';
import { Tally, bySize, reportFigures, waitFor } from './support/chaos';

const SENDER = {
  tenant: 'acme',
  scheme: 'standard-webhooks' as const,
  secret: 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=',
};
const ACME = { authorization: 'Bearer local-dev-key-acme', 'content-type': 'application/json' };

const SIZE = bySize({
  // Answers of 503 to see before storage comes back: how long the outage lasts under load.
  ci: { senders: 4, outage503s: 40, before: 100, after: 100 },
  full: { senders: 8, outage503s: 400, before: 1_000, after: 1_000 },
});

describe('chaos: DynamoDB Local stopped mid-run', () => {
  let engine: RunningDynamoDbLocal | undefined;
  let ledger: LedgerProcess | undefined;
  let storage: LedgerStorage | undefined;

  afterAll(async () => {
    storage?.dynamoDb.destroy();
    await ledger?.stop();
    await engine?.stop();
  });

  it('answers 503 with Retry-After, acknowledges nothing it did not store, and recovers', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-chaos-outage-'));
    engine = await startDynamoDbLocal({ port, dataDir });
    const env = await isolatedEnv({ DYNAMODB_ENDPOINT: engine.endpoint, LOG_LEVEL: 'warn' });
    ledger = spawnLedger(env);
    await waitForHealthy(ledger);
    const baseUrl = ledger.baseUrl;
    const prefix = `outage_${Date.now().toString(36)}_`;

    const acknowledged: string[] = [];
    const statuses = new Tally();
    const healthStatuses = new Tally();
    let unavailableWithoutRetryAfter = 0;
    let networkErrors = 0;
    let sequence = 0;
    let phase: 'before' | 'outage' | 'after' = 'before';
    let ackedAfterRecovery = 0;
    let recoveredAt: number | undefined;
    let sending = true;

    /** New deliveries while `sending`; each one retried until acknowledged, as a provider does. */
    const sender = async (): Promise<void> => {
      while (sending) {
        const id = deliveryId(prefix, sequence++);
        const body = webhookBody(id);
        for (;;) {
          const response = await fetch(`${baseUrl}/webhooks/sandbox`, {
            method: 'POST',
            headers: senderHeaders(SENDER, id, body),
            body,
            signal: AbortSignal.timeout(30_000),
          }).catch(() => undefined);
          if (response === undefined) {
            networkErrors += 1;
            await sleep(250);
            continue;
          }
          await response.arrayBuffer();
          statuses.add(response.status);
          if (response.status === 200) {
            acknowledged.push(id);
            if (phase === 'after') {
              ackedAfterRecovery += 1;
              recoveredAt ??= Date.now();
            }
            break;
          }
          const retryAfter = response.headers.get('retry-after');
          if (response.status === 503 && retryAfter === null) unavailableWithoutRetryAfter += 1;
          await sleep(Math.min(Number(retryAfter ?? '1'), 2) * 1000);
        }
      }
    };
    const health = async (): Promise<number> => {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      healthStatuses.add(`${phase}:${response.status}`);
      return response.status;
    };

    const senders = Array.from({ length: SIZE.senders }, () => sender());
    await waitFor(
      `${SIZE.before} deliveries acknowledged`,
      () => acknowledged.length >= SIZE.before,
    );
    const ackedBeforeOutage = acknowledged.length;

    await engine.stop();
    phase = 'outage';
    const stoppedAt = Date.now();
    await waitFor(`${SIZE.outage503s} answers of 503`, () => statuses.get(503) >= SIZE.outage503s, {
      timeoutMs: 300_000,
    });
    await waitFor('GET /health to answer 503', async () => (await health()) === 503);
    const ackedDuringOutage = acknowledged.length - ackedBeforeOutage;

    engine = await startDynamoDbLocal({ port, dataDir });
    const restartedAt = Date.now();
    phase = 'after';
    await waitFor('GET /health to answer 200', async () => (await health()) === 200, {
      timeoutMs: 300_000,
    });
    await waitFor(
      `${SIZE.after} deliveries acknowledged after recovery`,
      () => ackedAfterRecovery >= SIZE.after,
      {
        timeoutMs: 300_000,
      },
    );
    sending = false;
    await Promise.all(senders);

    // The stream consumers came back too: a payment made now is charged and projected.
    const created = await fetch(`${baseUrl}/payments`, {
      method: 'POST',
      headers: { ...ACME, 'idempotency-key': `${prefix}after` },
      body: JSON.stringify({ amount: 4200, currency: 'EUR' }),
    });
    const payment = (await created.json()) as {
      paymentId: string;
      status: string;
      version: number;
    };
    let projected: { status?: string; version?: number } = {};
    await waitFor('the payment made after recovery to be projected', async () => {
      const view = await fetch(
        `${baseUrl}/payments/${payment.paymentId}?minVersion=${payment.version}`,
        { headers: ACME },
      );
      projected = (await view.json()) as typeof projected;
      return view.status === 200 && (projected.version ?? 0) >= payment.version;
    });

    storage = engineStorage(env);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const { events } = await storage.eventStore.readStream(`acme#delivery#sandbox#${id}`);
      if (events.filter((e) => e.type === 'WebhookReceived').length !== 1) missing.push(id);
    }

    reportFigures('storage-outage', {
      senders: SIZE.senders,
      deliveries: sequence,
      acknowledged: acknowledged.length,
      ackedBeforeOutage,
      ackedDuringOutage,
      ackedAfterRecovery,
      acknowledgedNotStoredOnce: missing.length,
      answersByStatus: statuses.counts,
      unavailableWithoutRetryAfter,
      networkErrors,
      health: healthStatuses.counts,
      outageSeconds: Math.round((restartedAt - stoppedAt) / 1000),
      firstAckAfterRestartMs: recoveredAt === undefined ? null : recoveredAt - restartedAt,
      paymentAfterRecovery: {
        answered: created.status,
        status: payment.status,
        projected: { status: projected.status, version: projected.version },
      },
    });

    expect(statuses.get(503)).toBeGreaterThanOrEqual(SIZE.outage503s);
    expect(unavailableWithoutRetryAfter).toBe(0);
    expect(Object.keys(statuses.counts).filter((s) => s !== '200' && s !== '503')).toEqual([]);
    expect(missing).toEqual([]);
    // Every delivery started was acknowledged in the end: nothing given up on.
    expect(acknowledged).toHaveLength(sequence);
    expect(created.status).toBe(201);
    expect(payment.status).toBe('succeeded');
    // Projected at least at the command's version: the sandbox's webhook may already be linked.
    expect(projected.status).toBe('succeeded');
    expect(projected.version).toBeGreaterThanOrEqual(payment.version);
  });
});
