import { workflowOnTwins } from '../payment-workflow/payment-workflow.spec-helper';
import type { RequestPayment } from '../request-payment/request-payment.command';
import { RequestPaymentHandler } from '../request-payment/request-payment.handler';
import { RequestPaymentBatch, type PaymentBatchItem } from './request-payment-batch.command';
import {
  BatchDeadlineExceededError,
  RequestPaymentBatchHandler,
} from './request-payment-batch.handler';

const item = (index: number, amount = 1000 + index): PaymentBatchItem => ({
  index,
  idempotencyKey: `key-${index}`,
  input: { amount, currency: 'EUR' },
});

describe('RequestPaymentBatchHandler', () => {
  describe('when every item is accepted asynchronously', () => {
    it('answers each as a single request would, in request order, charging nothing', async () => {
      const ledger = workflowOnTwins();
      const handler = new RequestPaymentBatchHandler(new RequestPaymentHandler(ledger.workflow), {
        concurrency: 3,
      });

      const results = await handler.execute(
        new RequestPaymentBatch('acme', [item(0), item(1), item(2), item(3)], 'async'),
      );

      expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
      expect(results.every((r) => 'response' in r && r.response.statusCode === 202)).toBe(true);
      expect(ledger.gateway.calls).toHaveLength(0);
    });
  });

  describe('when one item is refused', () => {
    it('refuses that item alone, and a repeat of the batch replays every answer', async () => {
      const ledger = workflowOnTwins();
      const handler = new RequestPaymentBatchHandler(new RequestPaymentHandler(ledger.workflow));
      const batch = new RequestPaymentBatch('acme', [item(0), item(1, 0), item(2)], 'sync');

      const first = await handler.execute(batch);
      const repeat = await handler.execute(batch);

      expect(first[1]).toMatchObject({ error: expect.objectContaining({ status: 400 }) });
      expect(first[0]).toMatchObject({ response: { statusCode: 201 } });
      expect(first[2]).toMatchObject({ response: { statusCode: 201 } });
      expect(repeat).toEqual(first);
      expect(ledger.gateway.sent('charge')).toHaveLength(2);
    });
  });

  describe('when the deadline passes', () => {
    it('gives up the running item and those not reached, each safe to retry', async () => {
      const ledger = workflowOnTwins();
      const real = new RequestPaymentHandler(ledger.workflow);
      // The first item never finishes; the deadline must answer for it and for the rest.
      const hanging = {
        execute: (command: RequestPayment) =>
          command.idempotencyKey === 'key-0' ? new Promise(() => undefined) : real.execute(command),
      } as unknown as RequestPaymentHandler;
      const handler = new RequestPaymentBatchHandler(hanging, { concurrency: 1, deadlineMs: 50 });

      const results = await handler.execute(
        new RequestPaymentBatch('acme', [item(0), item(1)], 'async'),
      );

      expect(results).toEqual([
        { index: 0, idempotencyKey: 'key-0', error: expect.any(BatchDeadlineExceededError) },
        { index: 1, idempotencyKey: 'key-1', error: expect.any(BatchDeadlineExceededError) },
      ]);
      expect(results.map((r) => ('error' in r ? r.error : undefined))).toMatchObject([
        { status: 503, code: 'batch_deadline_exceeded' },
        { status: 503, code: 'batch_deadline_exceeded' },
      ]);
    });
  });
});
