import type { StoredEvent } from '@ledger/event-store';
import type { ParkedRecord, ParkingLot } from './parking-lot.port';

let sequence = 0;
/** A consumer name no other test uses, so adapters may share their tables across tests. */
const consumerName = (): string => `consumer-${Date.now()}-${++sequence}`;

const event = (recordedAt: string, streamId: string, version: number): StoredEvent => ({
  streamId,
  version,
  eventId: `ev-${streamId}-${version}`,
  type: 'PaymentRequested',
  schemaVersion: 1,
  data: { amount: 1250, currency: 'EUR', nested: { reference: 'order-1' } },
  metadata: { tenantId: 'acme', correlationId: 'c-1' },
  recordedAt,
  position: `${recordedAt}#${streamId}#${version}`,
});

const parked = (consumer: string, parkedEvent: StoredEvent, attempts = 3): ParkedRecord => ({
  consumer,
  event: parkedEvent,
  error: 'the handler kept failing',
  attempts,
  parkedAt: '2026-03-01T12:00:00.000Z',
});

/** The behaviour every `ParkingLot` owes the batch processor and redrives, run against each. */
export function describeParkingLotContract(name: string, create: () => Promise<ParkingLot>): void {
  describe(`${name} (parking lot contract)`, () => {
    let lot: ParkingLot;

    beforeEach(async () => {
      lot = await create();
    });

    const first = event('2026-03-01T10:00:00.000Z', 'acme#payment#pay_2', 1);
    const second = event('2026-03-01T10:00:00.000Z', 'acme#payment#pay_2', 2);
    const third = event('2026-03-01T11:30:00.000Z', 'acme#payment#pay_1', 1);

    describe('when nothing was parked', () => {
      it('lists nothing', async () => {
        expect(await lot.list(consumerName())).toEqual([]);
      });
    });

    describe('when records are parked out of order', () => {
      it('lists them whole, oldest stream position first', async () => {
        const consumer = consumerName();

        await lot.park(parked(consumer, third));
        await lot.park(parked(consumer, first));
        await lot.park(parked(consumer, second));

        expect(await lot.list(consumer)).toEqual([
          parked(consumer, first),
          parked(consumer, second),
          parked(consumer, third),
        ]);
      });

      it('lists no more than the limit, the oldest', async () => {
        const consumer = consumerName();
        for (const e of [third, second, first]) await lot.park(parked(consumer, e));

        expect(await lot.list(consumer, 2)).toEqual([
          parked(consumer, first),
          parked(consumer, second),
        ]);
      });
    });

    describe('when the same event is parked again', () => {
      it('keeps one record, the latest', async () => {
        const consumer = consumerName();

        await lot.park(parked(consumer, first, 3));
        await lot.park(parked(consumer, first, 6));

        expect(await lot.list(consumer)).toEqual([parked(consumer, first, 6)]);
      });
    });

    describe('when a record is released', () => {
      it('leaves the lot, and the others stay', async () => {
        const consumer = consumerName();
        await lot.park(parked(consumer, first));
        await lot.park(parked(consumer, second));

        await lot.release(consumer, first);

        expect(await lot.list(consumer)).toEqual([parked(consumer, second)]);
      });
    });

    describe('when two consumers park the same event', () => {
      it('keeps their records apart', async () => {
        const projector = consumerName();
        const publisher = consumerName();
        await lot.park(parked(projector, first));
        await lot.park(parked(publisher, first));

        await lot.release(projector, first);

        expect(await lot.list(projector)).toEqual([]);
        expect(await lot.list(publisher)).toEqual([parked(publisher, first)]);
      });
    });
  });
}
