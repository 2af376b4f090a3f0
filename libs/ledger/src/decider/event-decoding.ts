/**
 * The checked boundary from a store to the domain: what a store hands back is `unknown` in
 * everything but its envelope, and a decoder turns it into an aggregate's typed event, or refuses it
 * with `EventUndecodableError`. Decoders run on reads (after the store's upcasters have brought each
 * event to its type's current shape), never on appends of events `decide` just built.
 *
 * The checks are written by hand rather than as JSON schemas: the domain has no schemas of its
 * internal events to share, and `DataChecks<T>` ties each check to the member it checks at compile
 * time (a member added to an event type without a check, or a check of the wrong type, does not
 * compile), which a schema kept beside the type would not.
 */
import { LedgerError } from '@ledger/errors';

/** An event as a store hands it back, as much of it as decoding reads (a `StoredEvent` fits). */
export type RecordedEvent = Readonly<{
  streamId: string;
  version: number;
  type: string;
  schemaVersion?: number;
  data: unknown;
  metadata?: unknown;
  recordedAt: string;
}>;

/**
 * Turns a recorded event into an aggregate's typed event, or throws `EventUndecodableError`.
 * `undefined` means a type the aggregate does not know (one a newer release writes): readers skip
 * it, as `evolve` would.
 */
export type EventDecoder<TEvent> = (recorded: RecordedEvent) => TEvent | undefined;

/** A stored event of a known type whose data or metadata is not what its type declares. */
export class EventUndecodableError extends LedgerError {
  readonly code = 'event_undecodable';
  readonly status = 500;
  readonly streamId: string;
  readonly version: number;
  readonly eventType: string;

  constructor(
    recorded: RecordedEvent,
    /** What is wrong, one entry per member, e.g. `data.amount must be a number`. */
    readonly problems: readonly string[],
  ) {
    super(
      `Stored event ${recorded.streamId} v${recorded.version} (${recorded.type}) cannot be decoded: ${problems.join('; ')}`,
    );
    this.streamId = recorded.streamId;
    this.version = recorded.version;
    this.eventType = recorded.type;
  }

  override details(): Record<string, unknown> {
    return { streamId: this.streamId, version: this.version, eventType: this.eventType };
  }
}

/** A check of one member, whatever its type. */
export type MemberCheck = Readonly<{
  /** What the member must be, for the error message, e.g. `a string`. */
  expected: string;
  /** Absent (or `undefined`) is accepted. */
  optional: boolean;
  test: (value: unknown) => boolean;
}>;

/** A check of one member; `T` ties it to the member's declared type (see `DataChecks`). */
export type FieldCheck<T, TOptional extends boolean = boolean> = MemberCheck &
  Readonly<{
    optional: TOptional;
    /** Never set: makes a check of `string` and a check of `number` different types. */
    type?: (value: T) => T;
  }>;

type OptionalKeys<T> = {
  [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? K : never;
}[keyof T];

/** One check per member of `T`: `optional(...)` for its optional members, a plain check otherwise. */
export type DataChecks<T> = {
  readonly [K in keyof T]-?: K extends OptionalKeys<T>
    ? FieldCheck<Exclude<T[K], undefined>, true>
    : FieldCheck<T[K], false>;
};

/** Any string. */
const string: FieldCheck<string, false> = {
  expected: 'a string',
  optional: false,
  test: (value) => typeof value === 'string',
};

/** A finite number. */
const number: FieldCheck<number, false> = {
  expected: 'a number',
  optional: false,
  test: (value) => typeof value === 'number' && Number.isFinite(value),
};

/** Bytes, as the store hands back a binary attribute. */
const bytes: FieldCheck<Uint8Array, false> = {
  expected: 'bytes',
  optional: false,
  test: (value) => value instanceof Uint8Array,
};

/**
 * One of a string union's members. A `Record` rather than a list, so that a member added to the
 * union without being listed here fails to compile.
 */
function oneOf<T extends string>(members: Readonly<Record<T, true>>): FieldCheck<T, false> {
  const names = Object.keys(members);
  return {
    expected: `one of ${names.join(', ')}`,
    optional: false,
    test: (value) =>
      typeof value === 'string' && Object.prototype.hasOwnProperty.call(members, value),
  };
}

/** An object whose every own value passes `check`. */
function recordOf<T>(check: FieldCheck<T, false>): FieldCheck<Record<string, T>, false> {
  return {
    expected: `an object whose every value is ${check.expected}`,
    optional: false,
    test: (value) => isPlainObject(value) && Object.values(value).every((v) => check.test(v)),
  };
}

/** An object whose members pass `checks` (members without a check allowed, as in `conforms`). */
function objectOf<T>(name: string, checks: DataChecks<T>): FieldCheck<T, false> {
  return {
    expected: name,
    optional: false,
    test: (value) => conforms(checks, value, name, []),
  };
}

/** The same check, for an optional member. */
function optional<T>(check: FieldCheck<T, false>): FieldCheck<T, true> {
  return { expected: check.expected, optional: true, test: check.test };
}

/** The member checks `DataChecks` are written with. */
export const check = Object.freeze({ string, number, bytes, oneOf, recordOf, objectOf, optional });

/**
 * True when `value` is an object whose members pass `checks`; otherwise false, with one problem
 * per failing member (named `path.member`) appended to `problems`. Members without a check are
 * allowed: a later release may add some.
 */
export function conforms<T>(
  checks: DataChecks<T>,
  value: unknown,
  path: string,
  problems: string[],
): value is T {
  if (!isPlainObject(value)) {
    problems.push(`${path} must be an object`);
    return false;
  }
  const before = problems.length;
  for (const [member, check] of Object.entries<MemberCheck>(checks)) {
    const present = Object.prototype.hasOwnProperty.call(value, member);
    const memberValue = present ? value[member] : undefined;
    if (memberValue === undefined) {
      if (!check.optional) problems.push(`${path}.${member} is missing`);
    } else if (!check.test(memberValue)) {
      problems.push(`${path}.${member} must be ${check.expected}`);
    }
  }
  return problems.length === before;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
