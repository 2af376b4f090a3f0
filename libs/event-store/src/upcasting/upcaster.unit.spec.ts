import { LedgerError } from '@ledger/errors';
import { UpcastFailedError } from '../errors';
import type { StoredEvent } from '../event';
import { type Upcaster, UpcasterChain } from './upcaster';

// An order's amount was a float of major units (v1), then integer minor units (v2), then money
// with a currency (v3).
const orderV1toV2: Upcaster = {
  type: 'OrderPlaced',
  fromVersion: 1,
  toVersion: 2,
  upcast: ({ amount, ...rest }) => ({ ...rest, amountMinor: Math.round(Number(amount) * 100) }),
};
const orderV2toV3: Upcaster = {
  type: 'OrderPlaced',
  fromVersion: 2,
  toVersion: 3,
  upcast: ({ amountMinor, ...rest }) => ({ ...rest, total: { amountMinor, currency: 'EUR' } }),
};
const shippedV1toV2: Upcaster = {
  type: 'OrderShipped',
  fromVersion: 1,
  toVersion: 2,
  upcast: (data, event) => ({ ...data, shippedAt: event.recordedAt }),
};

function stored(type: string, schemaVersion: number, data: Record<string, unknown>): StoredEvent {
  return {
    streamId: 'acme#order#o1',
    version: 1,
    eventId: 'evt_1',
    type,
    schemaVersion,
    data,
    metadata: { tenantId: 'acme' },
    recordedAt: '2025-03-01T12:00:00.000Z',
    position: '2025-03-01T12:00:00.000Z#acme#order#o1#0000000001',
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

describe('UpcasterChain', () => {
  const chain = new UpcasterChain([orderV2toV3, shippedV1toV2, orderV1toV2]);

  describe('when an event is older than its type’s current version', () => {
    it('applies every step up to the current version, whatever order they were listed in', () => {
      const event = stored('OrderPlaced', 1, { orderId: 'o1', amount: 12.5 });

      const upcast = chain.upcast(event);

      expect(upcast).toStrictEqual({
        ...event,
        schemaVersion: 3,
        data: { orderId: 'o1', total: { amountMinor: 1250, currency: 'EUR' } },
      });
    });

    it('starts from the version the event has', () => {
      const upcast = chain.upcast(stored('OrderPlaced', 2, { orderId: 'o1', amountMinor: 700 }));

      expect(upcast.schemaVersion).toBe(3);
      expect(upcast.data).toStrictEqual({
        orderId: 'o1',
        total: { amountMinor: 700, currency: 'EUR' },
      });
    });

    it('hands each step the stored event, e.g. for its recordedAt', () => {
      const upcast = chain.upcast(stored('OrderShipped', 1, { orderId: 'o1' }));

      expect(upcast.data).toStrictEqual({ orderId: 'o1', shippedAt: '2025-03-01T12:00:00.000Z' });
    });

    it('neither mutates the event nor its data, and returns a new event', () => {
      const event = deepFreeze(stored('OrderPlaced', 1, { orderId: 'o1', amount: 1, lines: [1] }));
      const mutating: Upcaster = {
        type: 'Mutated',
        fromVersion: 1,
        toVersion: 2,
        upcast: (data) => {
          (data.lines as number[]).push(2);
          data.touched = true;
          return data;
        },
      };
      const mutatingChain = new UpcasterChain([mutating]);
      const original = deepFreeze(stored('Mutated', 1, { lines: [1] }));

      const upcast = chain.upcast(event);
      const mutated = mutatingChain.upcast(original);

      expect(upcast).not.toBe(event);
      expect(event.schemaVersion).toBe(1);
      expect(event.data).toStrictEqual({ orderId: 'o1', amount: 1, lines: [1] });
      expect(mutated.data).toStrictEqual({ lines: [1, 2], touched: true });
      expect(original.data).toStrictEqual({ lines: [1] });
    });
  });

  describe('when there is nothing to upcast', () => {
    it.each([
      ['an event already at the current version', stored('OrderPlaced', 3, { total: {} })],
      ['an event written by a newer release', stored('OrderPlaced', 4, { totals: [] })],
      ['an event type with no upcasters', stored('OrderCancelled', 1, { orderId: 'o1' })],
    ])('passes %s through as it is', (_case, event) => {
      expect(chain.upcast(event)).toBe(event);
    });

    it('passes everything through when built from no upcasters', () => {
      const event = stored('OrderPlaced', 1, { amount: 1 });

      expect(new UpcasterChain([]).upcast(event)).toBe(event);
    });
  });

  describe('currentVersion', () => {
    it('is the last step’s target for a type with upcasters', () => {
      expect(chain.currentVersion('OrderPlaced')).toBe(3);
      expect(chain.currentVersion('OrderShipped')).toBe(2);
    });

    it('is 1 for a type without upcasters', () => {
      expect(chain.currentVersion('OrderCancelled')).toBe(1);
    });
  });

  describe('when a step fails', () => {
    it('names the event and the step, and keeps the cause', () => {
      const failing: Upcaster = {
        type: 'OrderPlaced',
        fromVersion: 1,
        toVersion: 2,
        upcast: () => {
          throw new Error('amount is missing');
        },
      };

      let thrown: unknown;
      try {
        new UpcasterChain([failing]).upcast(stored('OrderPlaced', 1, {}));
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(Error);
      expect((thrown as Error).message).toBe('Upcasting OrderPlaced v1 (acme#order#o1 v1) failed');
      expect((thrown as Error).cause).toStrictEqual(new Error('amount is missing'));
    });

    it('raises an UpcastFailedError, a LedgerError with a stable code', () => {
      const failing: Upcaster = {
        type: 'OrderPlaced',
        fromVersion: 1,
        toVersion: 2,
        upcast: () => {
          throw new Error('amount is missing');
        },
      };

      let thrown: unknown;
      try {
        new UpcasterChain([failing]).upcast(stored('OrderPlaced', 1, {}));
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(UpcastFailedError);
      expect(thrown).toBeInstanceOf(LedgerError);
      expect(thrown).toMatchObject({ code: 'upcast_failed' });
    });

    it('refuses a step that returns no data object', () => {
      const broken = { ...orderV1toV2, upcast: () => null } as unknown as Upcaster;

      expect(() => new UpcasterChain([broken]).upcast(stored('OrderPlaced', 1, {}))).toThrow(
        TypeError,
      );
    });
  });

  describe('when the upcasters do not form a chain', () => {
    it.each([
      ['two steps leave the same version', [orderV1toV2, { ...orderV1toV2 }], /Two upcasters/],
      [
        'a version has no step',
        [orderV1toV2, { ...orderV2toV3, fromVersion: 3, toVersion: 4 }],
        /no step from version 2/,
      ],
      ['a step skips a version', [{ ...orderV1toV2, toVersion: 3 }], /must go to 2, not 3/],
      [
        'a step starts below version 1',
        [{ ...orderV1toV2, fromVersion: 0, toVersion: 1 }],
        /positive integer/,
      ],
      ['a step has no event type', [{ ...orderV1toV2, type: '' }], /event type/],
    ])('refuses to build when %s', (_case, upcasters, message) => {
      expect(() => new UpcasterChain(upcasters)).toThrow(message);
    });
  });
});
