import type { UnsettledPayments } from '@ledger/projections';
import type { BacklogProbe } from './health-probes.port';

/** At most this many unsettled payments are read per look (one page of the sparse index). */
const CAP = 1_000;

/**
 * The backlog from the read model's sparse unsettled index (the sweeper's): the payments still
 * `requested`. A synchronous request is `requested` only for the moment of its own gateway call,
 * so what stays there is what the charger has not charged yet (accepted asynchronously, or waiting
 * out an open breaker).
 */
export class UnsettledBacklogProbe implements BacklogProbe {
  constructor(
    private readonly unsettled: () => UnsettledPayments,
    private readonly clock: () => Date,
  ) {}

  async waiting(): Promise<{ requested: number; atLeast: boolean } | undefined> {
    try {
      const page = await this.unsettled().unsettledBefore(this.clock().toISOString(), {
        limit: CAP,
      });
      const requested = page.items.filter((item) => item.status === 'requested').length;
      return { requested, atLeast: page.nextCursor !== undefined };
    } catch {
      return undefined;
    }
  }
}
