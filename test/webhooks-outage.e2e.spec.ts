import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDynamoDbLocal, type RunningDynamoDbLocal } from '@ledger/local-engine';
import { DEFAULT_WAIT_MS, waitUntil } from '@ledger/testing';
import { signFor } from '@ledger/webhooks';
import { engineStorage } from './support/engine-client';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

/** Deliveries acknowledged before the outage, and again after it, before the phase ends. */
const ACKS_PER_PHASE = 6;

const SANDBOX_SECRET = 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=';

describe('inbound webhooks while storage goes away', () => {
  let engine: RunningDynamoDbLocal | undefined;
  let ledger: LedgerProcess | undefined;

  afterAll(async () => {
    await ledger?.stop();
    await engine?.stop();
  });

  it('answers 503 with Retry-After while storage is down and loses no acknowledged delivery', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-outage-'));
    engine = await startDynamoDbLocal({ port, dataDir });
    const env = await isolatedEnv({ DYNAMODB_ENDPOINT: engine.endpoint });
    ledger = spawnLedger(env);
    await waitForHealthy(ledger);

    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let retryAfterSeen = false;
    let sending = true;
    let sequence = 0;
    const sender = async (): Promise<void> => {
      while (sending) {
        const id = `msg_outage_${sequence++}`;
        const body = JSON.stringify({ id, type: 'payment.completed', data: {} });
        const response = await fetch(`${ledger!.baseUrl}/webhooks/sandbox`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...signFor('standard-webhooks', SANDBOX_SECRET, body, { id }),
          },
          body,
        }).catch(() => undefined);
        if (response === undefined) continue;
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 200) acknowledged.push(id);
        if (response.status === 503 && response.headers.get('retry-after') !== null)
          retryAfterSeen = true;
      }
    };
    const senders = Array.from({ length: 4 }, () => sender());

    // Each phase lasts until what it is there for has happened, however slow the machine is.
    await waitUntil(() => acknowledged.length >= ACKS_PER_PHASE, {
      what: 'deliveries acknowledged before the outage',
    });
    await engine.stop();
    const refusedBefore = statuses.get(503) ?? 0;
    await waitUntil(() => (statuses.get(503) ?? 0) >= refusedBefore + 3 && retryAfterSeen, {
      what: '503s with Retry-After while storage is down',
    });
    engine = await startDynamoDbLocal({ port, dataDir });
    const acknowledgedBefore = acknowledged.length;
    await waitUntil(() => acknowledged.length >= acknowledgedBefore + ACKS_PER_PHASE, {
      what: 'deliveries acknowledged after storage is back',
      timeoutMs: 2 * DEFAULT_WAIT_MS,
    });
    sending = false;
    await Promise.all(senders);

    const storage = engineStorage(env);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const { events } = await storage.eventStore.readStream(`acme#delivery#sandbox#${id}`);
      if (events.length !== 1) missing.push(id);
    }
    storage.dynamoDb.destroy();

    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(retryAfterSeen).toBe(true);
    expect([...statuses.keys()].every((status) => status === 200 || status === 503)).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(2 * ACKS_PER_PHASE);
    expect(missing).toEqual([]);
  }, 240_000);
});
