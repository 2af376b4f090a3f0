import { waitUntil } from '@ledger/testing';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';
import { paymentViewAt } from './support/read-model';

const ACME = { authorization: 'Bearer local-dev-key-acme', 'content-type': 'application/json' };

describe('replay, end to end with the CLI', () => {
  let env: Record<string, string>;
  let ledger: LedgerProcess;
  const payments: string[] = [];

  beforeAll(async () => {
    env = await isolatedEnv();
    ledger = spawnLedger(env);
    await waitForHealthy(ledger);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${ledger.baseUrl}/payments`, {
        method: 'POST',
        headers: { ...ACME, 'idempotency-key': `replay-e2e-${i}` },
        body: JSON.stringify({ amount: 2000 + i, currency: 'EUR' }),
      });
      const { paymentId } = (await response.json()) as { paymentId: string };
      payments.push(paymentId);
    }
    // The read model is compared below, so it must be settled first: each payment's sandbox
    // webhook linked onto its stream, and the projection caught up with the stream's last event.
    for (const paymentId of payments) {
      let last = 0;
      await waitUntil(
        async () => {
          const history = (await (
            await fetch(`${ledger.baseUrl}/payments/${paymentId}/history`, { headers: ACME })
          ).json()) as {
            events: Array<{ type: string; version: number; data: { webhook?: unknown } }>;
          };
          last = history.events.at(-1)?.version ?? 0;
          // Linked by a WebhookLinked, or by the state event it caused (`data.webhook`).
          return history.events.some(
            (event) => event.type === 'WebhookLinked' || event.data.webhook !== undefined,
          );
        },
        { what: `the sandbox webhook linked to ${paymentId}` },
      );
      await paymentViewAt(ledger.baseUrl, ACME, paymentId, last);
    }
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  async function cli(...args: string[]): Promise<{ code: number | null; output: string }> {
    const run = spawnLedger(env, args);
    const code = await run.exited;
    return { code, output: run.output() };
  }

  describe('when the read model is verified, rebuilt blue/green, and verified again', () => {
    it('says identical both times and keeps serving the same payments', async () => {
      const before = await cli('projections', 'verify');
      const rebuilt = await cli('replay', 'rebuild');
      const after = await cli('projections', 'verify');
      const view = await fetch(`${ledger.baseUrl}/payments/${payments[0]}`, { headers: ACME });

      expect(before.code).toBe(0);
      expect(before.output).toContain('identical');
      expect(rebuilt.code).toBe(0);
      expect(rebuilt.output).toContain('"status":"completed"');
      expect(after.code).toBe(0);
      expect(after.output).toMatch(/"generation":"g[0-9a-z]+"/);
      expect(view.status).toBe(200);
      expect(await view.json()).toMatchObject({ paymentId: payments[0], status: 'succeeded' });
    });
  });

  describe('when integration events are re-delivered to one subscriber', () => {
    it('delivers them marked replay to that rule', async () => {
      const dry = await cli(
        'replay',
        'republish',
        '--rule',
        'PaymentReceiptsFunction.PaymentOutcomes',
        '--dry-run',
      );
      const run = await cli(
        'replay',
        'republish',
        '--rule',
        'PaymentReceiptsFunction.PaymentOutcomes',
        '--rate',
        '100',
      );

      expect(dry.code).toBe(0);
      expect(dry.output).toContain('wouldDeliver');
      expect(run.code).toBe(0);
      const summary = JSON.parse(
        run.output.split('\n').find((line) => line.includes('"kind":"republish"'))!,
      ) as {
        status: string;
        result: { delivered: number };
      };
      expect(summary.status).toBe('completed');
      expect(summary.result.delivered).toBeGreaterThanOrEqual(3);
      expect(ledger.output()).toContain('duplicate delivery skipped');
    });
  });
});
