import type { LedgerConfig } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import type { Generations } from '@ledger/projections';
import { CONSUMER_ROOTS } from '@ledger/stream-processor-app';

// A name the operator mistyped must fail loudly: an unknown consumer, tenant or generation would
// otherwise read as empty (no parked records, no events, every payment missing) and pass.

/** Fails with a UsageError listing the configured tenants when `tenant` is not one of them. */
export function assertKnownTenant(config: LedgerConfig, tenant: string | undefined): void {
  if (tenant === undefined || config.tenants.some((t) => t.id === tenant)) return;
  throw new UsageError(
    `No tenant is named "${tenant}"; known tenants: ${knownList(config.tenants.map((t) => t.id))}`,
  );
}

/** Fails with a UsageError listing the stream consumers when `name` is not one of them. */
export function assertKnownConsumer(name: string): void {
  if (Object.hasOwn(CONSUMER_ROOTS, name)) return;
  throw new UsageError(
    `No consumer is named "${name}"; known consumers: ${knownList(Object.keys(CONSUMER_ROOTS))}`,
  );
}

/**
 * Fails with a UsageError listing the read model's generations (live, being built, previous)
 * when `generation` is none of them.
 */
export function assertKnownGeneration(pointer: Generations, generation: string): void {
  const known = [
    `${pointer.live} (live)`,
    ...(pointer.building === undefined ? [] : [`${pointer.building} (building)`]),
    ...(pointer.previous === undefined ? [] : [`${pointer.previous} (previous)`]),
  ];
  if ([pointer.live, pointer.building, pointer.previous].includes(generation)) return;
  throw new UsageError(
    `No generation is named "${generation}"; known generations: ${knownList(known)}`,
  );
}

/** Names for an error message: `a, b, c`, or `(none)`. */
export function knownList(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}
