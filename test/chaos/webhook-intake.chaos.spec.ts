import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { deliveryId, senderHeaders, webhookBody } from '../../bench/src/webhook-ingest.payload';
import { engineStorage, eventItems } from '../support/engine-client';
import { isolatedEnv } from '../support/ledger-process';
import { PeakRss, Tally, bySize, reportFigures, waitFor } from './support/chaos';
import { LedgerUnderChaos } from './support/ledger-under-chaos';

// The committed configuration's `sandbox` provider (local placeholders, not secrets).
const SENDER = {
  tenant: 'acme',
  scheme: 'standard-webhooks' as const,
  secret: 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=',
};

const SIZE = bySize({
  ci: { deliveries: 1_500, senders: 8, kills: 2 },
  full: { deliveries: 10_000, senders: 16, kills: 3 },
});
const DUPLICATE_SHARE = 0.1;

interface Answer {
  eventId: string;
  duplicate: boolean;
}

describe('chaos: webhook intake under load with duplicates and kill -9', () => {
  let ledger: LedgerUnderChaos | undefined;
  let storage: LedgerStorage | undefined;

  afterAll(async () => {
    storage?.dynamoDb.destroy();
    await ledger?.stop();
  });

  it('stores every acknowledged delivery exactly once and nothing it did not acknowledge', async () => {
    const env = await isolatedEnv({ LOG_LEVEL: 'warn' });
    ledger = new LedgerUnderChaos(env);
    await ledger.healthy();
    const running = ledger;
    const prefix = `chaos_${Date.now().toString(36)}_`;

    // Every delivery once, then every tenth again once its first sending was acknowledged: the
    // provider's own redelivery of something the ledger already has.
    const queue = Array.from({ length: SIZE.deliveries }, (_, i) => deliveryId(prefix, i));
    const duplicatesPlanned = Math.round(SIZE.deliveries * DUPLICATE_SHARE);
    const answers = new Map<string, Answer[]>();
    const statuses = new Tally();
    let networkErrors = 0;
    let sends = 0;
    let duplicatesSent = 0;

    /** Sends one delivery until the ledger answers 200, as a provider retries. */
    const deliver = async (id: string): Promise<void> => {
      const body = webhookBody(id);
      for (;;) {
        sends += 1;
        const response = await fetch(`${running.baseUrl}/webhooks/sandbox`, {
          method: 'POST',
          headers: senderHeaders(SENDER, id, body),
          body,
          signal: AbortSignal.timeout(30_000),
        }).catch(() => undefined);
        if (response === undefined) {
          // Killed or restarting: back off a little, as a provider does.
          networkErrors += 1;
          await sleep(250);
          continue;
        }
        const text = await response.text().catch(() => '');
        statuses.add(response.status);
        if (response.status === 200) {
          const answer = JSON.parse(text) as Answer;
          answers.set(id, [...(answers.get(id) ?? []), answer]);
          return;
        }
        const retryAfter = Number(response.headers.get('retry-after') ?? '0');
        await sleep(Math.max(100, Math.min(retryAfter, 2) * 1000));
      }
    };

    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < queue.length) {
        const index = next++;
        const id = queue[index];
        await deliver(id);
        if (index % Math.round(1 / DUPLICATE_SHARE) === 0 && duplicatesSent < duplicatesPlanned) {
          duplicatesSent += 1;
          queue.push(id);
        }
      }
    };
    const rss = new PeakRss(() => running.pids()).start();
    const started = Date.now();
    const senders = Array.from({ length: SIZE.senders }, () => sender());

    // Kills spread over the run, each while the senders are busy.
    for (let kill = 1; kill <= SIZE.kills; kill++) {
      const at = Math.floor((SIZE.deliveries * kill) / (SIZE.kills + 1));
      await waitFor(`${at} deliveries acknowledged`, () => answers.size >= at, {
        timeoutMs: 600_000,
      });
      await running.killAndRestart();
    }
    await Promise.all(senders);
    const elapsedMs = Date.now() - started;
    const peakRssMiB = rss.stop();

    storage = engineStorage(env);
    const items = await eventItems(storage, `#delivery#sandbox#${prefix}`);
    const received = items.filter((item) => item.type === 'WebhookReceived');
    const storedById = new Map<string, string[]>();
    for (const item of received) {
      const id = String(item.pk).slice(String(item.pk).lastIndexOf('#') + 1);
      storedById.set(id, [...(storedById.get(id) ?? []), String(item.eventId)]);
    }
    const acknowledgedIds = [...answers.keys()];
    const storedTwice = [...storedById].filter(([, eventIds]) => eventIds.length > 1);
    const acknowledgedNotStored = acknowledgedIds.filter((id) => !storedById.has(id));
    const storedNotAcknowledged = [...storedById.keys()].filter((id) => !answers.has(id));
    // Every answer for one id names the one stored event; only one of them may say "new".
    const contradicting = acknowledgedIds.filter((id) => {
      const stored = storedById.get(id)?.[0];
      const given = answers.get(id)!;
      return (
        given.some((a) => a.eventId !== stored) || given.filter((a) => !a.duplicate).length > 1
      );
    });
    const duplicateAnswers = [...answers.values()].flat().filter((a) => a.duplicate).length;

    reportFigures('webhook-intake', {
      deliveries: SIZE.deliveries,
      duplicatesSent,
      senders: SIZE.senders,
      sends,
      acknowledged: acknowledgedIds.length,
      acknowledgedAsDuplicate: duplicateAnswers,
      stored: storedById.size,
      storedTwice: storedTwice.length,
      acknowledgedNotStored: acknowledgedNotStored.length,
      storedNotAcknowledged: storedNotAcknowledged.length,
      contradictingAnswers: contradicting.length,
      answersByStatus: statuses.counts,
      networkErrors,
      kills: running.kills,
      recoveryMs: running.recoveriesMs,
      elapsedSeconds: Math.round(elapsedMs / 1000),
      acknowledgedPerSecond: Math.round(acknowledgedIds.length / (elapsedMs / 1000)),
      peakRssMiB,
    });

    expect(running.kills).toBe(SIZE.kills);
    expect(duplicatesSent).toBe(duplicatesPlanned);
    expect(acknowledgedIds).toHaveLength(SIZE.deliveries);
    expect(storedById.size).toBe(acknowledgedIds.length);
    expect(acknowledgedNotStored).toEqual([]);
    expect(storedNotAcknowledged).toEqual([]);
    expect(storedTwice).toEqual([]);
    expect(contradicting).toEqual([]);
    // Every planned redelivery was recognised as one (more may be: a retry after a kill).
    expect(duplicateAnswers).toBeGreaterThanOrEqual(duplicatesPlanned);
    // A kill gives connection errors and a storage hiccup a 503; never another answer.
    expect(Object.keys(statuses.counts).filter((s) => s !== '200' && s !== '503')).toEqual([]);
  });
});
