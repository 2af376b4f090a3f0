import type { EventStore, StoredEvent } from '@ledger/event-store';
import { parsePaymentStreamId } from '@ledger/ledger';
import type { BatchContext, RecordHead, StreamConsumer } from '@ledger/stream-consumer';
import { LivePaymentDocuments } from './live-payment-documents';
import type { PaymentDocuments } from './payment-documents.port';
import { ReadModelContentionError } from './payment-view.errors';
import { catchUp, evolvePaymentDocument, type PaymentDocument } from './payment-view.projection';

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

  /** Payment streams only: nothing else is decoded for the projector. */
  wants(head: RecordHead): boolean {
    return projectorWants(head);
  }

  async handle(event: StoredEvent, batch?: BatchContext): Promise<void> {
    if (parsePaymentStreamId(event.streamId) === undefined) return;
    const targets =
      this.documents instanceof LivePaymentDocuments
        ? await this.documents.writeTargets()
        : [this.documents];
    for (const target of targets) {
      const prefetched = batch && (await prefetch(batch, target));
      await this.apply(
        target,
        event,
        batch?.following,
        batch && foldedIn(batch, target),
        prefetched,
      );
    }
  }

  /**
   * Brings one generation's document up to `event`, and on through the events that follow it in
   * the batch, in one write conditional on the version it read: a decision's events arrive
   * together (a webhook's link and its outcome), and each write is billed.
   */
  async apply(
    documents: PaymentDocuments,
    event: StoredEvent,
    following: readonly StoredEvent[] = [],
    folded?: Map<string, number>,
    prefetched?: Map<string, PaymentDocument | null>,
  ): Promise<void> {
    const ids = parsePaymentStreamId(event.streamId);
    if (ids === undefined) return;
    // Folded in already by this batch's write for an earlier record: documents never go back.
    if ((folded?.get(event.streamId) ?? 0) >= event.version) return;
    for (let race = 0; race < MAX_RACES; race++) {
      // The batch's read of the document serves its first use only; a lost race reads afresh.
      const early = race === 0 ? prefetched?.get(event.streamId) : undefined;
      prefetched?.delete(event.streamId);
      const current =
        early !== undefined ? early : ((await documents.get(ids.tenantId, ids.paymentId)) ?? null);
      const caughtUp = await catchUp(current, event, (from, to) =>
        this.readRange(event.streamId, from, to),
      );
      if (caughtUp === undefined) {
        if (current !== null) folded?.set(event.streamId, current.version);
        return;
      }
      const next = foldAhead(caughtUp, event.streamId, following);
      if (await documents.put(next, current?.version ?? 0)) {
        folded?.set(event.streamId, next.version);
        return;
      }
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

const FOLDED = 'projector.folded';
const PREFETCHED = 'projector.prefetched';

/**
 * The documents of every payment in the batch, read together once per target (one BatchGetItem
 * per 100 payments instead of one GetItem each) when the store can: null for a payment that has
 * none yet. Each is used once, by the first record of its payment; a write on a stale one fails
 * its condition and is read again.
 */
async function prefetch(
  batch: BatchContext,
  target: PaymentDocuments,
): Promise<Map<string, PaymentDocument | null> | undefined> {
  if (target.getMany === undefined) return undefined;
  let byTarget = batch.memo.get(PREFETCHED) as
    Map<PaymentDocuments, Promise<Map<string, PaymentDocument | null>>> | undefined;
  if (byTarget === undefined) {
    byTarget = new Map();
    batch.memo.set(PREFETCHED, byTarget);
  }
  let documents = byTarget.get(target);
  if (documents === undefined) {
    const payments = new Map<string, { tenantId: string; paymentId: string }>();
    for (const event of batch.events) {
      const ids = parsePaymentStreamId(event.streamId);
      if (ids !== undefined) payments.set(event.streamId, ids);
    }
    documents = target.getMany([...payments.values()]).then(
      (found) => {
        const all = new Map<string, PaymentDocument | null>();
        for (const streamId of payments.keys()) all.set(streamId, found.get(streamId) ?? null);
        return all;
      },
      // Read one by one instead: a failed read must not fail every record of the batch.
      () => new Map<string, PaymentDocument | null>(),
    );
    byTarget.set(target, documents);
  }
  return documents;
}

/**
 * The version each payment's document of `target` is known to have reached in this batch (what
 * the projector wrote, or read at or past the record): a later record of the batch at or below it
 * needs no read.
 */
function foldedIn(batch: BatchContext, target: PaymentDocuments): Map<string, number> {
  let byTarget = batch.memo.get(FOLDED) as Map<PaymentDocuments, Map<string, number>> | undefined;
  if (byTarget === undefined) {
    byTarget = new Map();
    batch.memo.set(FOLDED, byTarget);
  }
  let folded = byTarget.get(target);
  if (folded === undefined) {
    folded = new Map();
    byTarget.set(target, folded);
  }
  return folded;
}

/** Whether the projector acts on a stream record, from its head (`StreamConsumer.wants`). */
export function projectorWants(head: RecordHead): boolean {
  return parsePaymentStreamId(head.streamId) !== undefined;
}

/**
 * Folds the batch's next events of the same stream into `document` while they follow on without
 * a gap; one that does not decode stops the fold there (it fails when its own record comes).
 */
function foldAhead(
  document: PaymentDocument,
  streamId: string,
  following: readonly StoredEvent[],
): PaymentDocument {
  let next = document;
  for (const event of following) {
    if (event.streamId !== streamId || event.version !== next.version + 1) break;
    try {
      next = evolvePaymentDocument(next, event);
    } catch {
      break;
    }
  }
  return next;
}
