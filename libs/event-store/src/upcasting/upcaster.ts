import { UpcastFailedError } from '../errors';
import type { StoredEvent } from '../event';

/**
 * One step of an event type's schema history: turns the `data` of `fromVersion` into the `data`
 * of `toVersion` (always `fromVersion + 1`). It must be pure and derive the new shape from the old
 * data alone, since the same old event is upcast again on every read.
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  upcast(data: Record<string, unknown>, event: StoredEvent): Record<string, unknown>;
}

/**
 * The upcasters of every event type, checked once when built. Readers apply it to each event
 * they decode, so code only ever sees the current shape; storage is never rewritten.
 */
export class UpcasterChain {
  /** Per type, the step leaving each version. */
  private readonly steps = new Map<string, Map<number, Upcaster>>();

  constructor(upcasters: readonly Upcaster[]) {
    for (const upcaster of upcasters) {
      checkStep(upcaster);
      const steps = this.steps.get(upcaster.type) ?? new Map<number, Upcaster>();
      if (steps.has(upcaster.fromVersion)) {
        throw new RangeError(
          `Two upcasters of ${upcaster.type} start from version ${upcaster.fromVersion}`,
        );
      }
      steps.set(upcaster.fromVersion, upcaster);
      this.steps.set(upcaster.type, steps);
    }
    for (const [type, steps] of this.steps) checkContiguous(type, [...steps.keys()]);
  }

  /** The version writers of `type` write today: the last step's `toVersion`, or 1. */
  currentVersion(type: string): number {
    const steps = this.steps.get(type);
    return steps === undefined ? 1 : Math.max(...[...steps.values()].map((s) => s.toVersion));
  }

  /**
   * `event` in the current shape of its type: a new event with upcast `data` and `schemaVersion`,
   * or `event` itself when no step leaves its version (current, newer, or an unknown type).
   */
  upcast(event: StoredEvent): StoredEvent {
    const steps = this.steps.get(event.type);
    let step = steps?.get(event.schemaVersion);
    if (steps === undefined || step === undefined) return event;
    // A copy, so that even a careless step cannot change the event the caller holds.
    let data = structuredClone(event.data);
    let version = event.schemaVersion;
    while (step !== undefined) {
      data = applyStep(step, data, event);
      version = step.toVersion;
      step = steps.get(version);
    }
    return { ...event, schemaVersion: version, data };
  }
}

function applyStep(
  step: Upcaster,
  data: Record<string, unknown>,
  event: StoredEvent,
): Record<string, unknown> {
  let next: unknown;
  try {
    next = step.upcast(data, event);
  } catch (error) {
    throw new UpcastFailedError(
      `Upcasting ${event.type} v${step.fromVersion} (${event.streamId} v${event.version}) failed`,
      { cause: error },
    );
  }
  if (next === null || typeof next !== 'object' || Array.isArray(next)) {
    throw new TypeError(
      `The ${event.type} v${step.fromVersion} upcaster returned no data object (${event.streamId} v${event.version})`,
    );
  }
  return next as Record<string, unknown>;
}

function checkStep(upcaster: Upcaster): void {
  const { type, fromVersion, toVersion } = upcaster;
  if (typeof type !== 'string' || type === '') {
    throw new RangeError('An upcaster needs the event type it applies to');
  }
  if (!Number.isSafeInteger(fromVersion) || fromVersion < 1) {
    throw new RangeError(`The ${type} upcaster's fromVersion must be a positive integer`);
  }
  if (toVersion !== fromVersion + 1) {
    throw new RangeError(
      `The ${type} upcaster from version ${fromVersion} must go to ${fromVersion + 1}, not ${toVersion}`,
    );
  }
}

// A hole (1->2 and 3->4 without 2->3) would strand every event of the missing version.
function checkContiguous(type: string, fromVersions: number[]): void {
  const sorted = [...fromVersions].sort((a, b) => a - b);
  sorted.forEach((version, i) => {
    if (i > 0 && version !== sorted[i - 1] + 1) {
      throw new RangeError(
        `The upcasters of ${type} have no step from version ${sorted[i - 1] + 1}`,
      );
    }
  });
}
