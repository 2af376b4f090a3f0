import { DynamoDbReceiptStore, type Receipt, type ReceiptStore } from '@ledger/payment-receipts';
import { closeLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { engineStorage, eventItems } from './support/engine-client';
import {
  isolatedEnv,
  spawnLedger,
  waitForHealthy,
  type LedgerProcess,
} from './support/ledger-process';

const ACME = { authorization: 'Bearer local-dev-key-acme', 'content-type': 'application/json' };

describe('EventBridge fan-out, end to end', () => {
  let env: Record<string, string>;
  let ledger: LedgerProcess;
  let storage: LedgerStorage;
  let receipts: ReceiptStore;

  beforeAll(async () => {
    env = await isolatedEnv();
    ledger = spawnLedger(env);
    await waitForHealthy(ledger);
    storage = engineStorage(env);
    receipts = DynamoDbReceiptStore.of(storage);
  });

  afterAll(async () => {
    if (storage !== undefined) closeLedgerStorage(storage);
    await ledger?.stop();
  });

  const busControl = (path: string, body?: object) =>
    fetch(`http://127.0.0.1:${env.LOCAL_BUS_PORT}/_control/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });

  async function payAndRefund(key: string, amount = 5000): Promise<string> {
    const created = await fetch(`${ledger.baseUrl}/payments`, {
      method: 'POST',
      headers: { ...ACME, 'idempotency-key': `${key}-pay` },
      body: JSON.stringify({ amount, currency: 'EUR' }),
    });
    const { paymentId } = (await created.json()) as { paymentId: string };
    await fetch(`${ledger.baseUrl}/payments/${paymentId}/refunds`, {
      method: 'POST',
      headers: { ...ACME, 'idempotency-key': `${key}-refund` },
      body: JSON.stringify({ amount: 1000 }),
    });
    return paymentId;
  }

  async function receiptsOf(
    paymentId: string,
    count: number,
    timeoutMs = 30_000,
  ): Promise<Receipt[]> {
    const deadline = Date.now() + timeoutMs;
    let found = await receipts.forPayment('acme', paymentId);
    while (found.length < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      found = await receipts.forPayment('acme', paymentId);
    }
    return found;
  }

  describe('when a payment is made and refunded through the sandbox', () => {
    it('delivers exactly the subscribed events to the example subscriber, in stream order', async () => {
      const paymentId = await payAndRefund('fan-1');

      const delivered = await receiptsOf(paymentId, 2);
      await new Promise((r) => setTimeout(r, 500));

      expect((await receipts.forPayment('acme', paymentId)).length).toBe(2);
      expect(delivered.map((r) => r.detailType)).toEqual(['payment.succeeded', 'refund.succeeded']);
      expect(delivered[0].streamVersion).toBeLessThan(delivered[1].streamVersion);
      expect(delivered.every((r) => r.replay === false)).toBe(true);
    });
  });

  describe('when an operator tails the events with a pattern', () => {
    it('prints the matching integration events live, and only those', async () => {
      const tail = spawnLedger(env, [
        'events',
        'tail',
        '--pattern',
        '{"detail-type":["payment.succeeded"]}',
      ]);
      const connected = Date.now() + 20_000;
      while (!tail.output().includes('tailing') && Date.now() < connected) {
        await new Promise((r) => setTimeout(r, 100));
      }

      const paymentId = await payAndRefund('fan-tail');
      const deadline = Date.now() + 20_000;
      while (!tail.output().includes(paymentId) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await tail.stop('SIGINT');

      const lines = tail
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes('"detail-type"'))
        .map(
          (line) => JSON.parse(line) as { 'detail-type': string; detail: { paymentId: string } },
        );
      expect(lines.some((e) => e.detail.paymentId === paymentId)).toBe(true);
      expect(lines.every((e) => e['detail-type'] === 'payment.succeeded')).toBe(true);
    });
  });

  describe('when the bus refuses chosen entries for a while', () => {
    it('still delivers every event', async () => {
      await busControl('fail', { detailType: 'refund.succeeded', count: 2 });

      const paymentId = await payAndRefund('fan-2');

      const delivered = await receiptsOf(paymentId, 2);
      expect(delivered.map((r) => r.detailType)).toEqual(['payment.succeeded', 'refund.succeeded']);
    });
  });

  describe('when the bus keeps refusing an entry', () => {
    it('puts it in the dead letters, and a redrive delivers it', async () => {
      await busControl('fail', { detailType: 'refund.succeeded', count: -1 });
      const paymentId = await payAndRefund('fan-3');
      await receiptsOf(paymentId, 1);

      let listed = '';
      for (let i = 0; i < 60 && !listed.includes(paymentId); i++) {
        await new Promise((r) => setTimeout(r, 500));
        const list = spawnLedger(env, ['dead-letters', 'list']);
        await list.exited;
        listed = list.output();
      }
      await busControl('reset');
      const redrive = spawnLedger(env, ['dead-letters', 'redrive']);
      const code = await redrive.exited;

      expect(listed).toContain(`acme#payment#${paymentId}`);
      expect(code).toBe(0);
      expect(redrive.output()).toContain('"redriven":1');
      const delivered = await receiptsOf(paymentId, 2);
      expect(delivered.map((r) => r.detailType)).toEqual(['payment.succeeded', 'refund.succeeded']);
    });
  });

  describe('when the service is killed mid-burst and started again', () => {
    it('loses no event and delivers none twice', async () => {
      let completed = 0;
      const lanes = Array.from({ length: 3 }, async (_, lane) => {
        for (let i = 0; i < 8; i++) {
          await payAndRefund(`burst-${lane}-${i}`)
            .then(() => (completed += 1))
            .catch(() => undefined);
        }
      });
      while (completed < 3) await new Promise((r) => setTimeout(r, 50));

      await ledger.stop('SIGKILL');
      await Promise.all(lanes);
      ledger = spawnLedger(env);
      await waitForHealthy(ledger);

      const streams = [
        ...new Set((await eventItems(storage, 'acme#payment#')).map((i) => String(i.pk))),
      ];
      expect(streams.length).toBeGreaterThanOrEqual(3);
      for (const streamId of streams) {
        const { events } = await storage.eventStore.readStream(streamId);
        const expected = events
          .filter((e) => ['PaymentSucceeded', 'PaymentFailed', 'RefundSucceeded'].includes(e.type))
          .map((e) => e.eventId);
        const delivered = await receiptsOf(streamId.slice('acme#payment#'.length), expected.length);
        expect(delivered.map((r) => r.eventId).sort()).toEqual([...expected].sort());
      }
    });
  });
});
