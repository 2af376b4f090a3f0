import type { DeadLetter, DeadLetters } from './dead-letters.port';

const letter = (id: string, attempts = 3): DeadLetter => ({
  id,
  streamId: 'acme#payment#pay_1',
  version: 2,
  eventId: `ev-${id}`,
  detailType: 'payment.succeeded',
  entry: {
    Source: 'integration-ledger',
    DetailType: 'payment.succeeded',
    Detail: JSON.stringify({ eventId: `ev-${id}`, data: { amount: 1250 } }),
    EventBusName: 'default',
  },
  reason: 'ThrottlingException',
  attempts,
  deadLetteredAt: '2026-03-01T12:00:00.000Z',
});

const positions = [
  '2026-03-01T10:00:00.000Z#acme#payment#pay_2#1',
  '2026-03-01T10:00:00.000Z#acme#payment#pay_2#2',
  '2026-03-01T11:30:00.000Z#acme#payment#pay_1#1',
];

/**
 * The behaviour every `DeadLetters` adapter owes the publisher and `ledger dead-letters`, run
 * against each. `create` gives an empty store per test: the dead letters have one partition.
 */
export function describeDeadLettersContract(
  name: string,
  create: () => Promise<DeadLetters>,
): void {
  describe(`${name} (dead letters contract)`, () => {
    let letters: DeadLetters;

    beforeEach(async () => {
      letters = await create();
    });

    describe('when nothing was dead-lettered', () => {
      it('lists nothing', async () => {
        expect(await letters.list()).toEqual([]);
      });
    });

    describe('when letters are put out of order', () => {
      it('lists them whole, oldest stream position first', async () => {
        const [first, second, third] = positions;

        await letters.put(letter(third));
        await letters.put(letter(first));
        await letters.put(letter(second));

        expect(await letters.list()).toEqual([letter(first), letter(second), letter(third)]);
      });

      it('lists no more than the limit, the oldest', async () => {
        const [first, second, third] = positions;
        for (const id of [third, second, first]) await letters.put(letter(id));

        expect(await letters.list(2)).toEqual([letter(first), letter(second)]);
      });
    });

    describe('when the same entry is dead-lettered again', () => {
      it('keeps one letter, the latest', async () => {
        await letters.put(letter(positions[0], 3));
        await letters.put(letter(positions[0], 6));

        expect(await letters.list()).toEqual([letter(positions[0], 6)]);
      });
    });

    describe('when a listed letter is removed', () => {
      it('is gone, and the others stay', async () => {
        const [first, second] = positions;
        await letters.put(letter(first));
        await letters.put(letter(second));
        await letters.list();

        await letters.remove(first);

        expect(await letters.list()).toEqual([letter(second)]);
      });
    });
  });
}
