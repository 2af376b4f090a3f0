import { existsSync, readFileSync } from 'node:fs';
import type { LedgerStorage } from '@ledger/event-store/aws';
import { decodePaymentEvent, handleCommand, paymentDecider, paymentStreamId } from '@ledger/ledger';
import { waitUntil } from '@ledger/testing';
import { signFor } from '@ledger/webhooks';
import { engineStorage } from './support/engine-client';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';
import { paymentViewAt } from './support/read-model';

// The committed local example configuration's sandbox provider (a placeholder secret).
const SANDBOX_SECRET = 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=';
const ACME = { authorization: 'Bearer local-dev-key-acme' };

/** The pids `ledger start` logged its stream processor under, one per start, in order. */
function streamProcessorPids(ledger: LedgerProcess): number[] {
  return ledger
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"stream processor running"'))
    .map((line) => (JSON.parse(line) as { pid: number }).pid);
}

/** /proc/<pid>/stat's fields after the command name: state, parent pid... */
function procStat(pid: number): string[] | undefined {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return undefined;
  try {
    const stat = readFileSync(path, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Whether the process runs (a zombie waiting to be reaped has stopped running). */
function alive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat[0] !== 'Z';
}

function parentOf(pid: number): number | undefined {
  const stat = procStat(pid);
  return stat === undefined ? undefined : Number(stat[1]);
}

describe("`ledger start`'s stream consumers, in a process of their own", () => {
  describe('when the stack runs', () => {
    let env: Record<string, string>;
    let ledger: LedgerProcess;
    let storage: LedgerStorage;

    beforeAll(async () => {
      env = await isolatedEnv();
      ledger = spawnLedger(env);
      await waitForHealthy(ledger);
      storage = engineStorage(env);
    });

    afterAll(async () => {
      storage?.dynamoDb.destroy();
      await ledger?.stop();
    });

    /** A payment the ledger knows, then the signed delivery that concludes it. */
    async function paymentConcludedByWebhook(paymentId: string): Promise<Response> {
      await handleCommand(
        storage.eventStore,
        paymentDecider,
        decodePaymentEvent,
        paymentStreamId('acme', paymentId),
        {
          type: 'RequestPayment',
          data: { paymentId, amount: 2500, currency: 'EUR' },
          metadata: { now: new Date().toISOString(), tenantId: 'acme' },
        },
      );
      const body = JSON.stringify({
        id: `evt_${paymentId}`,
        type: 'payment.completed',
        data: { paymentId, transactionId: `tx_${paymentId}` },
      });
      return fetch(`${ledger.baseUrl}/webhooks/sandbox`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signFor('standard-webhooks', SANDBOX_SECRET, body, { id: `msg_${paymentId}` }),
        },
        body,
      });
    }

    it('runs them in a child process of its own, which correlates and projects a webhook', async () => {
      const [consumersPid] = streamProcessorPids(ledger);

      const delivered = await paymentConcludedByWebhook('pay_proc_1');
      // Version 2: the success the correlator appended, folded by the projector.
      const view = await paymentViewAt(ledger.baseUrl, ACME, 'pay_proc_1', 2);
      const health = await (await fetch(`${ledger.baseUrl}/health`)).json();

      expect(consumersPid).toEqual(expect.any(Number));
      expect(consumersPid).not.toBe(ledger.child.pid);
      expect(parentOf(consumersPid)).toBe(ledger.child.pid);
      expect(delivered.status).toBe(200);
      expect(view).toMatchObject({ paymentId: 'pay_proc_1', status: 'succeeded' });
      expect(health).toMatchObject({ status: 'ok', consumers: 'running' });
    });

    it('restarts them after a SIGKILL, and they resume: nothing written meanwhile is lost', async () => {
      const [killedPid] = streamProcessorPids(ledger);

      process.kill(killedPid, 'SIGKILL');
      const duringRestart = await paymentConcludedByWebhook('pay_proc_2');
      await waitUntil(() => streamProcessorPids(ledger).length === 2, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'the stream processor to be running again',
      });
      const restartedPid = streamProcessorPids(ledger)[1];
      const afterRestart = await paymentConcludedByWebhook('pay_proc_3');
      const missed = await paymentViewAt(ledger.baseUrl, ACME, 'pay_proc_2', 2);
      const later = await paymentViewAt(ledger.baseUrl, ACME, 'pay_proc_3', 2);

      expect(duringRestart.status).toBe(200);
      expect(afterRestart.status).toBe(200);
      expect(restartedPid).not.toBe(killedPid);
      expect(alive(killedPid)).toBe(false);
      expect(parentOf(restartedPid)).toBe(ledger.child.pid);
      expect(missed).toMatchObject({ status: 'succeeded', version: 2 });
      expect(later).toMatchObject({ status: 'succeeded', version: 2 });
      expect(ledger.output()).toContain('stream processor exited unexpectedly (signal SIGKILL)');
    });
  });

  describe('when `ledger start` is stopped with Ctrl-C', () => {
    it('stops the consumers’ process gracefully first and leaves no child behind', async () => {
      const ledger = spawnLedger(await isolatedEnv());
      try {
        await waitForHealthy(ledger);
        const [consumersPid] = streamProcessorPids(ledger);
        expect(alive(consumersPid)).toBe(true);

        const code = await ledger.stop('SIGINT');

        expect(code).toBe(0);
        expect(alive(consumersPid)).toBe(false);
        expect(ledger.output()).toContain('"reason":"asked by the process that started it"');
        expect(ledger.output()).not.toContain('did not stop in time');
      } finally {
        await ledger.stop('SIGKILL');
      }
    });
  });

  describe('when `ledger start` is killed outright (SIGKILL)', () => {
    it('the consumers’ process notices its parent is gone and exits by itself', async () => {
      const ledger = spawnLedger(await isolatedEnv());
      let consumersPid: number | undefined;
      try {
        await waitForHealthy(ledger);
        [consumersPid] = streamProcessorPids(ledger);
        expect(alive(consumersPid)).toBe(true);

        await ledger.stop('SIGKILL');

        await waitUntil(() => !alive(consumersPid!), {
          timeoutMs: 30_000,
          intervalMs: 100,
          what: `the orphaned stream processor ${consumersPid} to exit`,
        });
        expect(alive(consumersPid)).toBe(false);
      } finally {
        await ledger.stop('SIGKILL');
        if (consumersPid !== undefined && alive(consumersPid))
          process.kill(consumersPid, 'SIGKILL');
      }
    });
  });
});
