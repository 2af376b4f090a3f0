import { startSandboxTestKit, type SandboxTestKit } from './testing/sandbox-test-kit';

describe('sandbox gateway refunds', () => {
  let kit: SandboxTestKit;
  let chargeId: string;

  const refund = (amount: number, key: string, refundId = `rf_${key}`) =>
    kit.call('POST', `/v1/charges/${chargeId}/refunds`, {
      body: { refundId, amount, paymentId: 'pay_1' },
      idempotencyKey: key,
    });

  beforeEach(async () => {
    kit = await startSandboxTestKit();
    const charged = await kit.charge(
      { paymentId: 'pay_1', amount: 1000, currency: 'EUR' },
      'ch-key',
    );
    chargeId = charged.body.id;
    await kit.webhooks.waitFor(1);
  });

  afterEach(async () => {
    await kit.stop();
  });

  describe('when the refund is within the balance', () => {
    it('answers 201 and sends refund.created', async () => {
      const answer = await refund(400, 'rf-key-1');

      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: expect.stringMatching(/^re_[0-9a-f]+$/),
        status: 'succeeded',
        amount: 400,
        chargeId,
        refundId: 'rf_rf-key-1',
      });
      const deliveries = await kit.webhooks.waitFor(2);
      expect(deliveries[1].body).toMatchObject({
        type: 'refund.created',
        data: {
          transactionId: chargeId,
          paymentId: 'pay_1',
          refundId: 'rf_rf-key-1',
          amount: 400,
          currency: 'EUR',
        },
      });
      expect(kit.gateway.stats().refundsCreated).toBe(1);
    });

    it('replays the same key without refunding twice', async () => {
      const first = await refund(400, 'rf-key-1');

      const second = await refund(400, 'rf-key-1');

      expect(second.body).toEqual(first.body);
      expect(kit.gateway.stats().refundsCreated).toBe(1);
    });
  });

  describe('when the refund exceeds what is left', () => {
    it('answers 409 refund_exceeds_balance and keeps the balance', async () => {
      await refund(600, 'rf-key-1');

      const tooMuch = await refund(401, 'rf-key-2');
      const rest = await refund(400, 'rf-key-3');

      expect(tooMuch.status).toBe(409);
      expect(tooMuch.body.error.code).toBe('refund_exceeds_balance');
      expect(rest.status).toBe(201);
      const listed = await kit.call('GET', '/v1/charges?paymentId=pay_1');
      expect(listed.body.data[0].amountRefunded).toBe(1000);
    });
  });

  describe('when the charge is unknown', () => {
    it('answers 404', async () => {
      chargeId = 'ch_unknown';

      const answer = await refund(100, 'rf-key-1');

      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('charge_not_found');
    });
  });
});
