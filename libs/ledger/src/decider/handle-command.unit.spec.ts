import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import { decodePaymentEvent } from '../payment/payment.decoder';
import { paymentDecider } from '../payment/payment.decider';
import type { PaymentCommand } from '../payment/payment.commands';
import { paymentStreamId } from '../payment/payment.stream-id';
import { EventUndecodableError } from './event-decoding';
import { handleCommand } from './handle-command';

const NOW = '2026-02-01T00:00:00.000Z';
const STREAM = paymentStreamId('acme', 'pay_1');
const metadata = { now: NOW, tenantId: 'acme' };

const requestPayment: PaymentCommand = {
  type: 'RequestPayment',
  data: { paymentId: 'pay_1', amount: 5000, currency: 'EUR' },
  metadata,
};
const resumeCharge: PaymentCommand = { type: 'ResumeCharge', data: { by: 'reconcile' }, metadata };

describe('handleCommand', () => {
  describe('when the stream holds only events that decode', () => {
    it('folds them, decides and appends on the version it read', async () => {
      const store = new InMemoryEventStore();
      await handleCommand(store, paymentDecider, decodePaymentEvent, STREAM, requestPayment);

      const handled = await handleCommand(
        store,
        paymentDecider,
        decodePaymentEvent,
        STREAM,
        resumeCharge,
      );

      expect(handled.version).toBe(2);
      expect(handled.appended).toMatchObject({ fromVersion: 2, toVersion: 2 });
      expect(handled.state).toMatchObject({ exists: true, amount: 5000, chargeResumptions: 1 });
    });
  });

  describe('when a stored event does not decode', () => {
    it('refuses the command with event_undecodable and appends nothing', async () => {
      const store = new InMemoryEventStore();
      await store.append(STREAM, 0, [
        {
          type: 'PaymentRequested',
          data: { paymentId: 'pay_1', amount: 'lots', currency: 'EUR', at: NOW, requestedAt: NOW },
          metadata: { tenantId: 'acme' },
        },
      ]);

      const handling = handleCommand(
        store,
        paymentDecider,
        decodePaymentEvent,
        STREAM,
        resumeCharge,
      );

      await expect(handling).rejects.toBeInstanceOf(EventUndecodableError);
      await expect(handling).rejects.toMatchObject({
        code: 'event_undecodable',
        streamId: STREAM,
        version: 1,
        eventType: 'PaymentRequested',
      });
      expect(await store.readHead(STREAM)).toMatchObject({ version: 1 });
    });
  });
});
