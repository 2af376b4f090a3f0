import { NotFoundError } from '@ledger/errors';
import {
  type Decider,
  eventMetadataFrom,
  foldEvents,
  unhandledCommand,
  withoutUndefined,
} from './decider';
import { deciderSpec } from './decider.spec-helper';

// A counter, just big enough to exercise the helpers.
type CounterCommand = { type: 'Add'; data: { by: number; note?: string } };
type CounterEvent = { type: 'Added'; data: Record<string, unknown> };
type CounterState = { total: number };

function counter(
  decide: (command: CounterCommand, state: CounterState) => CounterEvent[],
): Decider<CounterCommand, CounterEvent, CounterState> {
  return {
    decide,
    evolve: (state, event) => ({ total: state.total + Number(event.data.by) }),
    initialState: () => ({ total: 0 }),
  };
}

const honest = counter((command, state) => {
  if (state.total + command.data.by > 10) throw new NotFoundError('too much', 'too_much');
  return [{ type: 'Added', data: { by: command.data.by } }];
});

describe('foldEvents', () => {
  it('folds events over the initial state in order', () => {
    const added = (by: number): CounterEvent => ({ type: 'Added', data: { by } });

    expect(foldEvents(honest, [added(2), added(3)])).toStrictEqual({ total: 5 });
    expect(foldEvents(honest, [])).toStrictEqual({ total: 0 });
  });
});

describe('eventMetadataFrom', () => {
  it('copies the tracing fields and drops the clock and absent fields', () => {
    expect(
      eventMetadataFrom({ now: 'T1', tenantId: 'acme', correlationId: 'c', actor: undefined }),
    ).toStrictEqual({ tenantId: 'acme', correlationId: 'c' });
  });
});

describe('withoutUndefined', () => {
  it('omits undefined members and keeps null, zero and empty strings', () => {
    expect(withoutUndefined({ a: undefined, b: null, c: 0, d: '' })).toStrictEqual({
      b: null,
      c: 0,
      d: '',
    });
  });
});

describe('unhandledCommand', () => {
  it('throws, naming the command type', () => {
    expect(() => unhandledCommand({ type: 'Mystery' } as never)).toThrow(/Mystery/);
  });
});

describe('deciderSpec', () => {
  describe('when the decider behaves', () => {
    it('passes then() with the decided events and thenThrows() with the refusal', () => {
      const spec = deciderSpec(honest);
      const given = [{ type: 'Added' as const, data: { by: 9 } }];

      spec
        .given(given)
        .when({ type: 'Add', data: { by: 1 } })
        .then([{ type: 'Added', data: { by: 1 } }]);
      spec
        .given(given)
        .when({ type: 'Add', data: { by: 2 } })
        .thenThrows(NotFoundError, { code: 'too_much', status: 404, details: {} });
    });
  });

  describe('when the decided events differ from the expected ones', () => {
    it('fails then()', () => {
      const spec = deciderSpec(honest);

      expect(() =>
        spec
          .given([])
          .when({ type: 'Add', data: { by: 1 } })
          .then([]),
      ).toThrow();
    });
  });

  describe('when an event carries an undefined member', () => {
    it('fails then(), even against an expectation without that member', () => {
      const sloppy = counter((command) => [
        { type: 'Added', data: { by: command.data.by, note: command.data.note } },
      ]);

      expect(() =>
        deciderSpec(sloppy)
          .given([])
          .when({ type: 'Add', data: { by: 1 } })
          .then([{ type: 'Added', data: { by: 1 } }]),
      ).toThrow();
    });
  });

  describe('when an event carries a Date', () => {
    it('fails then(): event data must survive a JSON round trip', () => {
      const at = new Date(0);
      const dated = counter(() => [{ type: 'Added', data: { by: 1, at } }]);

      expect(() =>
        deciderSpec(dated)
          .given([])
          .when({ type: 'Add', data: { by: 1 } })
          .then([{ type: 'Added', data: { by: 1, at } }]),
      ).toThrow();
    });
  });

  describe('when decide mutates the state it was given', () => {
    it('fails, because the given state is frozen', () => {
      const mutating = counter((command, state) => {
        state.total += command.data.by;
        return [];
      });

      expect(() =>
        deciderSpec(mutating)
          .given([])
          .when({ type: 'Add', data: { by: 1 } })
          .then([]),
      ).toThrow(TypeError);
    });
  });

  describe('when the command is not refused', () => {
    it('fails thenThrows()', () => {
      expect(() =>
        deciderSpec(honest)
          .given([])
          .when({ type: 'Add', data: { by: 1 } })
          .thenThrows(NotFoundError),
      ).toThrow();
    });
  });

  describe('when the refusal has another code', () => {
    it('fails thenThrows()', () => {
      expect(() =>
        deciderSpec(honest)
          .given([])
          .when({ type: 'Add', data: { by: 11 } })
          .thenThrows(NotFoundError, { code: 'not_found' }),
      ).toThrow();
    });
  });
});
