import type { DeliveryStats } from './delivery-stats.port';

let sequence = 0;
/** A delivery stream no other test uses, so adapters may share their tables across tests. */
const deliveryStream = (): string => `acme#delivery#sandbox#d-${Date.now()}-${++sequence}`;

/** The behaviour every `DeliveryStats` adapter owes the webhook receiver, run against each. */
export function describeDeliveryStatsContract(
  name: string,
  create: () => Promise<DeliveryStats>,
): void {
  describe(`${name} (delivery stats contract)`, () => {
    let stats: DeliveryStats;

    beforeEach(async () => {
      stats = await create();
    });

    describe('when a delivery arrived once', () => {
      it('has no stats: the first arrival is its event', async () => {
        expect(await stats.get(deliveryStream())).toBeUndefined();
      });
    });

    describe('when repeats arrive', () => {
      it('counts every arrival, the conflicting bodies and the last arrival', async () => {
        const stream = deliveryStream();

        await stats.recordRepeat(stream, '2026-03-01T12:00:01.000Z', true);
        await stats.recordRepeat(stream, '2026-03-01T12:00:02.000Z', false);
        await stats.recordRepeat(stream, '2026-03-01T12:00:03.000Z', true);

        expect(await stats.get(stream)).toEqual({
          arrivals: 4,
          lastArrivalAt: '2026-03-01T12:00:03.000Z',
          conflictingBodies: 1,
        });
      });

      it('loses no count when repeats arrive at once', async () => {
        const stream = deliveryStream();

        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            stats.recordRepeat(stream, '2026-03-01T12:00:01.000Z', i % 2 === 0),
          ),
        );

        expect(await stats.get(stream)).toMatchObject({ arrivals: 11, conflictingBodies: 5 });
      });
    });

    describe('when two deliveries repeat', () => {
      it('keeps their counts apart', async () => {
        const one = deliveryStream();
        const other = deliveryStream();

        await stats.recordRepeat(one, '2026-03-01T12:00:01.000Z', true);

        expect(await stats.get(one)).toMatchObject({ arrivals: 2 });
        expect(await stats.get(other)).toBeUndefined();
      });
    });
  });
}
