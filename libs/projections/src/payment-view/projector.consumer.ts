import type { EventStore, StoredEvent } from '@ledger/event-store';
import { parsePaymentStreamId } from '@ledger/ledger';
import type { StreamConsumer } from '@ledger/stream-consumer';
import { LivePaymentDocuments } from './live-payment-documents';
import type { PaymentDocuments } from './payment-documents.port';
import { ReadModelContentionError } from './payment-view.errors';
import { catchUp } from './payment-view.projection';

export const PROJECTOR = 'projector';

/** Attempts when another writer moved the same document on between our read and our write. */
const MAX_RACES = 5;

/**
 * Keeps the payments read model up to date from the events table's stream. Every write is
 * conditional on the version it read, so redelivered, duplicated or reordered records never
 * double-count, and a gap is filled from the store.
 */
export class PaymentProjector implements StreamConsumer {
  readonly name = PROJECTOR;

  /**
   * `documents` is the read model to keep up to date: one generation, or the live documents,
   * whose `writeTargets` add the generation a blue/green rebuild is building.
   */
  constructor(
    private readonly store: EventStore,
    private readonly documents: PaymentDocuments | LivePaymentDocuments,
  ) {}

  async handle(event: StoredEvent): Promise<void> {
    if (parsePaymentStreamId(event.streamId) === undefined) return;
    const targets =
      this.documents instanceof LivePaymentDocuments
        ? await this.documents.writeTargets()
        : [this.documents];
    for (const target of targets) await this.apply(target, event);
  }

  /** Brings one generation's document up to `event`, conditional on the version it read. */
  async apply(documents: PaymentDocuments, event: StoredEvent): Promise<void> {
    const ids = parsePaymentStreamId(event.streamId);
    if (ids === undefined) return;
    for (let race = 0; race < MAX_RACES; race++) {
      const current = (await documents.get(ids.tenantId, ids.paymentId)) ?? null;
      const next = await catchUp(current, event, (from, to) =>
        this.readRange(event.streamId, from, to),
      );
      if (next === undefined) return;
      if (await documents.put(next, current?.version ?? 0)) return;
    }
    throw new ReadModelContentionError(event.streamId);
  }

  private async readRange(
    streamId: string,
    fromVersion: number,
    toVersion: number,
  ): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const event of this.store.readWholeStream(streamId, fromVersion)) {
      if (event.version > toVersion) break;
      events.push(event);
    }
    return events;
  }
}
