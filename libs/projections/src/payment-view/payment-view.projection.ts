import type { StoredEvent } from '@ledger/event-store';
import { foldPaymentStream, parsePaymentStreamId, type PaymentState } from '@ledger/ledger';
import { StreamGapError } from './payment-view.errors';

/** A payment's read-model document: the folded state and the last stream version applied. */
export interface PaymentDocument {
  tenantId: string;
  paymentId: string;
  /** The last event version folded in; writes are conditional on it. */
  version: number;
  state: PaymentState;
}

/**
 * The payments projection: `evolve(document | null, event) -> document`, built on the decider's
 * own fold of decoded events (`foldPaymentStream`), so the read model and the write side can never
 * disagree on a state. A stored event that does not decode throws `EventUndecodableError`.
 */
export function evolvePaymentDocument(
  document: PaymentDocument | null,
  event: StoredEvent,
): PaymentDocument {
  const ids = parsePaymentStreamId(event.streamId);
  if (ids === undefined) throw new RangeError(`Not a payment stream: ${event.streamId}`);
  const { state } = foldPaymentStream(
    [event],
    document === null ? undefined : { state: document.state, version: document.version },
  );
  return { tenantId: ids.tenantId, paymentId: ids.paymentId, version: event.version, state };
}

/**
 * What to write for an incoming stream record, given the stored document: `undefined` when the
 * record is already folded in (a redelivery or an older record); otherwise the document folded up
 * to the record's version. A gap (version n+2 before n+1) is filled from the store through
 * `readRange`, never skipped.
 */
export async function catchUp(
  document: PaymentDocument | null,
  incoming: StoredEvent,
  readRange: (fromVersion: number, toVersion: number) => Promise<StoredEvent[]>,
): Promise<PaymentDocument | undefined> {
  const applied = document?.version ?? 0;
  if (incoming.version <= applied) return undefined;
  const missing =
    incoming.version === applied + 1 ? [] : await readRange(applied + 1, incoming.version - 1);
  let next = document;
  for (const event of [...missing, incoming]) {
    if (event.version !== (next?.version ?? 0) + 1) {
      throw new StreamGapError(incoming.streamId, (next?.version ?? 0) + 1);
    }
    next = evolvePaymentDocument(next, event);
  }
  return next ?? undefined;
}
