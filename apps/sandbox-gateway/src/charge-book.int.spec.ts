import { mkdtempSync, readFileSync, readdirSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxTestKit, type SandboxTestKit } from './testing/sandbox-test-kit';

describe('the sandbox charge book', () => {
  let bookDir: string;
  let kit: SandboxTestKit | undefined;

  beforeEach(() => {
    bookDir = mkdtempSync(join(tmpdir(), 'sandbox-book-'));
  });

  afterEach(async () => {
    await kit?.stop();
    kit = undefined;
  });

  const refund = (running: SandboxTestKit, chargeId: string, amount: number, key: string) =>
    running.call('POST', `/v1/charges/${chargeId}/refunds`, {
      body: { refundId: `rf_${key}`, amount, paymentId: 'pay_old' },
      idempotencyKey: key,
    });

  describe('when the sandbox restarts on the same book directory', () => {
    it('still knows an old charge and what was refunded of it', async () => {
      const first = await startSandboxTestKit({ bookDir });
      const charged = await first.charge(
        { paymentId: 'pay_old', amount: 1000, currency: 'EUR' },
        'charge-1',
      );
      expect((await refund(first, charged.body.id, 300, 'refund-1')).status).toBe(201);
      await first.stop();

      kit = await startSandboxTestKit({ bookDir });
      const found = await kit.call('GET', `/v1/charges/${charged.body.id}`);
      const tooMuch = await refund(kit, charged.body.id, 701, 'refund-2');
      const rest = await refund(kit, charged.body.id, 700, 'refund-3');

      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ id: charged.body.id, amount: 1000, paymentId: 'pay_old' });
      expect(tooMuch.body).toMatchObject({ error: { code: 'refund_exceeds_balance' } });
      expect(rest.status).toBe(201);
    });

    it('ignores a last line cut short by a crash', async () => {
      const first = await startSandboxTestKit({ bookDir });
      const charged = await first.charge(
        { paymentId: 'pay_old', amount: 500, currency: 'EUR' },
        'charge-1',
      );
      await first.stop();
      const [file] = readdirSync(bookDir);
      appendFileSync(join(bookDir, file), '{"charge":{"id":"ch_');

      kit = await startSandboxTestKit({ bookDir });

      expect((await kit.call('GET', `/v1/charges/${charged.body.id}`)).status).toBe(200);
      expect(readFileSync(join(bookDir, file), 'utf8')).not.toContain('sandbox-test-key');
    });
  });

  describe('when it is started without a book directory', () => {
    it('keeps its charges in memory only', async () => {
      const first = await startSandboxTestKit();
      const charged = await first.charge(
        { paymentId: 'pay_old', amount: 1000, currency: 'EUR' },
        'charge-1',
      );
      await first.stop();

      kit = await startSandboxTestKit();

      expect((await kit.call('GET', `/v1/charges/${charged.body.id}`)).status).toBe(404);
    });
  });
});
