import type { AppendOptions, NewEvent } from '@ledger/event-store';
import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import { decodePaymentEvent } from '../payment/payment.decoder';
import { paymentDecider } from '../payment/payment.decider';
import type { PaymentCommand } from '../payment/payment.commands';
import { paymentStreamId } from '../payment/payment.stream-id';
import type { Decider, DomainEvent } from './decider';
import { EventUndecodableError, type RecordedEvent } from './event-decoding';
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

/**
 * A decider that writes two events for one command (no payment command does any more): `Shipped`
 * then `Invoiced`, and a state that owes the invoice while `Shipped` stands alone, as a decider
 * used with `atomic: false` must.
 */
type OrderEvent = DomainEvent<'Shipped' | 'Invoiced' | 'Noted', { at: string }>;
type OrderState = { shipped: boolean; invoiced: boolean };
const orderDecider: Decider<{ type: 'Ship' }, OrderEvent, OrderState> = {
  decide: (_command, state) => {
    const event = (type: OrderEvent['type']): OrderEvent => ({
      type,
      data: { at: NOW },
      metadata: { tenantId: 'acme' },
    });
    if (!state.shipped) return [event('Shipped'), event('Invoiced')];
    return state.invoiced ? [] : [event('Invoiced')];
  },
  evolve: (state, event) => ({
    shipped: state.shipped || event.type === 'Shipped',
    invoiced: state.invoiced || event.type === 'Invoiced',
  }),
  initialState: () => ({ shipped: false, invoiced: false }),
};
const decodeOrderEvent = (recorded: RecordedEvent): OrderEvent => recorded as unknown as OrderEvent;
const ORDER = 'acme#order#ord_1';

/** A store on which another writer takes the version of the first `Invoiced` appended. */
class OvertakenStore extends InMemoryEventStore {
  overtaken = false;

  override async append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ) {
    if (!this.overtaken && events.some((event) => event.type === 'Invoiced')) {
      this.overtaken = true;
      await super.append(streamId, expectedVersion, [
        { type: 'Noted', data: { at: NOW }, metadata },
      ]);
    }
    return super.append(streamId, expectedVersion, events, options);
  }
}

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

  describe('when the events are appended one at a time', () => {
    it('appends each on the version the previous one left', async () => {
      const store = new InMemoryEventStore();
      await store.append(ORDER, 0, [{ type: 'Noted', data: { at: NOW }, metadata }]);
      const append = jest.spyOn(store, 'append');

      const handled = await handleCommand(
        store,
        orderDecider,
        decodeOrderEvent,
        ORDER,
        { type: 'Ship' },
        { atomic: false },
      );

      expect(append.mock.calls.map(([, version, events]) => [version, events.length])).toEqual([
        [1, 1],
        [2, 1],
      ]);
      expect(handled.appended).toMatchObject({ fromVersion: 2, toVersion: 3 });
      expect(handled.appended?.eventIds).toHaveLength(2);
      expect(handled.state).toEqual({ shipped: true, invoiced: true });
    });

    it('re-decides after losing the race between them and writes the owed event once', async () => {
      const store = new OvertakenStore();

      await handleCommand(
        store,
        orderDecider,
        decodeOrderEvent,
        ORDER,
        { type: 'Ship' },
        {
          atomic: false,
        },
      );

      const { events } = await store.readStream(ORDER);
      expect(events.map((event) => event.type)).toEqual(['Shipped', 'Noted', 'Invoiced']);
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
