import type {
  CorrelationEntryKey,
  CorrelationIndex,
  CorrelationRef,
  LinkedPayment,
  PendingDelivery,
} from './correlation-index.port';

const idOf = (key: CorrelationEntryKey): string =>
  key.kind === 'link'
    ? `link\u0000${key.tenantId}\u0000${key.ref.kind}\u0000${key.ref.value}`
    : `pending\u0000${key.tenantId}\u0000${key.ref.kind}\u0000${key.ref.value}\u0000${key.deliveryEventId}`;

/**
 * The correlation-index entries a batch's records will ask about, read together before the first
 * of them is handled (a transaction id's link for each payment event that carries one; each
 * delivery's own waiting entries), and kept current by the correlator's own writes while the batch
 * is handled (and its records retried). A key it was not given answers undefined: the correlator
 * then reads the index itself, as it does for a record handled outside a batch.
 */
export class BatchEntries {
  /** No batch, or its read failed: every question is answered by reading the index. */
  static readonly NONE = new BatchEntries(new Map());

  private constructor(
    private readonly known: Map<string, LinkedPayment | PendingDelivery | null>,
  ) {}

  /** One BatchGetItem per 100 keys; a failed read leaves every record to read for itself. */
  static async read(
    index: CorrelationIndex,
    keys: readonly CorrelationEntryKey[],
  ): Promise<BatchEntries> {
    if (keys.length === 0) return BatchEntries.NONE;
    try {
      const found = await index.entries(keys);
      return new BatchEntries(new Map(keys.map((key, i) => [idOf(key), found[i] ?? null])));
    } catch {
      return BatchEntries.NONE;
    }
  }

  /**
   * The payment a transaction id links to: null when it links none, undefined when this batch
   * did not read it.
   */
  linkOf(
    tenantId: string,
    ref: CorrelationRef & { kind: 'transaction' },
  ): LinkedPayment | null | undefined {
    return this.known.get(idOf({ kind: 'link', tenantId, ref })) as
      LinkedPayment | null | undefined;
  }

  /**
   * The references among `refs` under which `deliveryEventId` has a waiting entry; undefined when
   * this batch did not read them all.
   */
  waitingUnder(
    tenantId: string,
    refs: readonly CorrelationRef[],
    deliveryEventId: string,
  ): CorrelationRef[] | undefined {
    const waiting: CorrelationRef[] = [];
    for (const ref of refs) {
      const entry = this.known.get(idOf({ kind: 'pending', tenantId, ref, deliveryEventId }));
      if (entry === undefined) return undefined;
      if (entry !== null) waiting.push(ref);
    }
    return waiting;
  }

  linked(tenantId: string, ref: CorrelationRef, payment: LinkedPayment): void {
    if (ref.kind !== 'transaction') return;
    this.note({ kind: 'link', tenantId, ref: { kind: ref.kind, value: ref.value } }, payment);
  }

  waiting(tenantId: string, ref: CorrelationRef, delivery: PendingDelivery): void {
    this.note(
      { kind: 'pending', tenantId, ref, deliveryEventId: delivery.deliveryEventId },
      delivery,
    );
  }

  removed(tenantId: string, ref: CorrelationRef, deliveryEventId: string): void {
    this.note({ kind: 'pending', tenantId, ref, deliveryEventId }, null);
  }

  private note(key: CorrelationEntryKey, entry: LinkedPayment | PendingDelivery | null): void {
    // NONE is shared: it learns nothing, so it keeps sending every question to the index.
    if (this !== BatchEntries.NONE) this.known.set(idOf(key), entry);
  }
}
