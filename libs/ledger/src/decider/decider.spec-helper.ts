/**
 * Given/When/Then for deciders, for unit specs:
 *
 *   spec.given([paymentRequested()]).when(requestRefund()).then([refundRequested()]);
 *   spec.given([]).when(requestRefund()).thenThrows(PaymentNotFoundError);
 *
 * The given events are folded with the decider's own `evolve` (each intermediate state frozen,
 * so a mutating `evolve` or `decide` fails loudly), and the decided events must survive a JSON
 * round trip unchanged: no `undefined` members, no Dates.
 *
 * It asserts with `node:assert` rather than Jest's `expect`: the build compiles every file not
 * named `*.spec.ts`, without Jest's global types, so this file must not need them. Strict deep
 * equality still tells `{ a: undefined }` from `{}` and prints a diff on failure.
 */
import assert from 'node:assert/strict';
import { LedgerError } from '@ledger/errors';
import type { Decider } from './decider';

type ErrorClass = abstract new (...args: never[]) => Error;

/** What a thrown `LedgerError` must carry, beyond its class. */
export type ExpectedError = { code?: string; status?: number; details?: Record<string, unknown> };

export type DeciderThen<TEvent> = {
  /** The command decides exactly these events, in this order (`[]`: it changes nothing). */
  then(expected: readonly TEvent[]): void;
  /** The command is refused with this error class (and, when given, code/status/details). */
  thenThrows(errorClass: ErrorClass, expected?: ExpectedError): void;
};

export type DeciderSpecification<TCommand, TEvent> = {
  given(events: readonly TEvent[]): { when(command: TCommand): DeciderThen<TEvent> };
};

/** Builds the Given/When/Then specification of `decider`. */
export function deciderSpec<TCommand, TEvent, TState>(
  decider: Decider<TCommand, TEvent, TState>,
): DeciderSpecification<TCommand, TEvent> {
  return {
    given: (events) => ({
      when: (command) => {
        const decide = (): TEvent[] => decider.decide(command, stateAfter(decider, events));
        return {
          then: (expected) => {
            const actual = decide();

            assert.deepStrictEqual(actual, expected);
            assert.deepStrictEqual(
              JSON.parse(JSON.stringify(actual)),
              actual,
              'decided events must be plain JSON',
            );
          },
          thenThrows: (errorClass, expected = {}) => {
            let thrown: unknown;
            try {
              decide();
            } catch (error) {
              thrown = error;
            }

            assert.ok(
              thrown instanceof errorClass,
              `expected ${errorClass.name} to be thrown, got ${String(thrown)}`,
            );
            const { code, status, details } = expected;
            if (code === undefined && status === undefined && details === undefined) return;
            assert.ok(thrown instanceof LedgerError, `${String(thrown)} is not a LedgerError`);
            if (code !== undefined) assert.equal(thrown.code, code);
            if (status !== undefined) assert.equal(thrown.status, status);
            if (details !== undefined) assert.deepStrictEqual(thrown.details(), details);
          },
        };
      },
    }),
  };
}

/** Folds `events` with the decider, freezing every state so that mutation throws. */
export function stateAfter<TCommand, TEvent, TState>(
  decider: Decider<TCommand, TEvent, TState>,
  events: readonly TEvent[],
): TState {
  let state = deepFreeze(decider.initialState());
  for (const event of events) state = deepFreeze(decider.evolve(state, deepFreeze(event)));
  return state;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
