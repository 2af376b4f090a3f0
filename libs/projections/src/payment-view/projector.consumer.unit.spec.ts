import { type StoredEvent } from '@ledger/event-store';
import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import {
  decodePaymentEvent,
  handleCommand,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
} from '@ledger/ledger';
import { BatchProcessor } from '@ledger/stream-consumer';
import { InMemoryParkingLot } from '@ledger/stream-consumer/in-memory';
import { InMemoryPaymentDocuments } from '../infrastructure/in-memory-payment-documents';
import { PaymentProjector } from './projector.consumer';

const NOW = '2026-05-01T10:00:00.000Z';

describe('PaymentProjector (in memory)', () => {
  let store: InMemoryEventStore;
  let documents: InMemoryPaymentDocuments;
  let puts: number[];
  let gets: number;
  let getManys: number[];
  let processor: BatchProcessor;

  beforeEach(() => {
    store = new InMemoryEventStore({ clock: () => new Date(NOW) });
    documents = new InMemoryPaymentDocuments();
    puts = [];
    const put = documents.put.bind(documents);
    documents.put = (document, expected) => (puts.push(document.version), put(document, expected));
    gets = 0;
    const get = documents.get.bind(documents);
    documents.get = (tenantId, paymentId) => ((gets += 1), get(tenantId, paymentId));
    getManys = [];
    const getMany = documents.getMany.bind(documents);
    documents.getMany = (payments) => (getManys.push(payments.length), getMany(payments));
    processor = new BatchProcessor(
      new PaymentProjector(store, documents),
      new InMemoryParkingLot(),
    );
  });

  async function command(type: PaymentCommand['type'], data: object): Promise<StoredEvent[]> {
    const streamId = paymentStreamId('acme', 'pay_1');
    const before = (await store.readHead(streamId))?.version ?? 0;
    await handleCommand(store, paymentDecider, decodePaymentEvent, streamId, {
      type,
      data,
      metadata: { now: NOW, tenantId: 'acme' },
    } as PaymentCommand);
    const events: StoredEvent[] = [];
    for await (const event of store.readWholeStream(streamId, before + 1)) events.push(event);
    return events;
  }

  const attempt = {
    operation: 'charge',
    attempt: 1,
    idempotencyKey: 'k-1',
    method: 'POST',
    path: '/charges',
    startedAt: NOW,
    durationMs: 10,
    outcome: 'succeeded',
    httpStatus: 202,
    gatewayTransactionId: 'tx_1',
    breakerState: 'closed',
  };

  const records = (events: StoredEvent[]) =>
    events.map((event, i) => ({ event, sequenceNumber: String(i) }));

  describe('when a batch holds several events of one payment', () => {
    it('writes the document once, folded up to the last of them', async () => {
      const events = [
        ...(await command('RequestPayment', { paymentId: 'pay_1', amount: 700, currency: 'EUR' })),
        ...(await command('RecordGatewayAttempt', attempt)),
      ];

      const outcome = await processor.process(records(events));

      expect(outcome).toEqual({ processed: events.length, parked: 0 });
      expect(puts).toEqual([events.length]);
      expect((await documents.get('acme', 'pay_1'))?.state.status).toBe('processing');
    });

    it('reads the document once: the later records are known to be folded in', async () => {
      const events = [
        ...(await command('RequestPayment', { paymentId: 'pay_1', amount: 700, currency: 'EUR' })),
        ...(await command('RecordGatewayAttempt', attempt)),
      ];

      await processor.process(records(events));

      expect(events.length).toBeGreaterThan(1);
      expect(getManys).toEqual([1]);
      expect(gets).toBe(0);
    });

    it('writes nothing again when the batch is delivered again', async () => {
      const events = [
        ...(await command('RequestPayment', { paymentId: 'pay_1', amount: 700, currency: 'EUR' })),
        ...(await command('RecordGatewayAttempt', attempt)),
      ];
      await processor.process(records(events));

      const outcome = await processor.process(records(events));

      expect(outcome).toEqual({ processed: events.length, parked: 0 });
      expect(puts).toEqual([events.length]);
      // The redelivered batch reads the document once and finds every record folded in.
      expect(getManys).toEqual([1, 1]);
      expect(gets).toBe(0);
      expect((await documents.get('acme', 'pay_1'))?.version).toBe(events.length);
    });
  });

  describe('when a batch holds events of several payments', () => {
    it('reads their documents in one request, and each again only after a lost race', async () => {
      const first = await command('RequestPayment', {
        paymentId: 'pay_1',
        amount: 700,
        currency: 'EUR',
      });
      const streamId = paymentStreamId('acme', 'pay_2');
      await handleCommand(store, paymentDecider, decodePaymentEvent, streamId, {
        type: 'RequestPayment',
        data: { paymentId: 'pay_2', amount: 900, currency: 'EUR' },
        metadata: { now: NOW, tenantId: 'acme' },
      });
      const second = (await store.readStream(streamId)).events;
      // Another writer moves pay_2's document on after the batch read it.
      const put = documents.put.bind(documents);
      let raced = false;
      documents.put = async (document, expected) => {
        if (document.paymentId === 'pay_2' && !raced) {
          raced = true;
          await put({ ...document }, expected);
          return false;
        }
        return put(document, expected);
      };

      const outcome = await processor.process(records([...first, ...second]));

      expect(outcome).toEqual({ processed: 2, parked: 0 });
      expect(getManys).toEqual([2]);
      expect(gets).toBe(1);
      expect((await documents.get('acme', 'pay_2'))?.version).toBe(1);
    });
  });

  describe('when the events of one payment come in separate batches', () => {
    it('writes once per batch and ends on the same document', async () => {
      const requested = await command('RequestPayment', {
        paymentId: 'pay_1',
        amount: 700,
        currency: 'EUR',
      });
      const concluded = await command('RecordGatewayAttempt', attempt);

      await processor.process(records(requested));
      await processor.process(records(concluded));

      expect(puts).toEqual([1, 1 + concluded.length]);
      expect((await documents.get('acme', 'pay_1'))?.version).toBe(1 + concluded.length);
    });
  });
});
