/** Something a delivery or a payment names that can tie the two together. */
export interface CorrelationRef {
  kind: 'payment' | 'order' | 'transaction';
  value: string;
}

/**
 * A payment a reference links to. For an order id (a weak reference, chosen by the client and not
 * unique) the payment's amount and currency are kept too, so a delivery can be checked against
 * them before it is linked.
 */
export interface LinkedPayment {
  paymentId: string;
  amount?: number;
  currency?: string;
  /**
   * A transaction id's link: the id of the payment event that wrote it. Handed that same event
   * again (a crash may have come between writing the link and reading who waits for it), the
   * correlator reads the waiting list again; a later event repeating the id does not.
   */
  linkedBy?: string;
}

/** A delivery that named a reference no payment had yet; linked once one does. */
export interface PendingDelivery {
  deliveryStreamId: string;
  deliveryEventId: string;
}

/**
 * One exact entry of the index: the link of a transaction id (which names one payment; an order
 * id's links are read with `linked`), or one delivery's entry waiting on a reference.
 */
export type CorrelationEntryKey =
  | { kind: 'link'; tenantId: string; ref: CorrelationRef & { kind: 'transaction' } }
  | { kind: 'pending'; tenantId: string; ref: CorrelationRef; deliveryEventId: string };

/**
 * Which payment an order id or gateway transaction id belongs to, and which deliveries wait for a
 * reference to become known. Derived from events; safe to rebuild.
 */
export interface CorrelationIndex {
  /**
   * Records that `ref` names `payment`. A transaction id names one payment; an order id keeps one
   * entry per payment that carries it.
   */
  link(tenantId: string, ref: CorrelationRef, payment: LinkedPayment): Promise<void>;
  /**
   * The payments `ref` names in this tenant: at most one for a transaction id; for an order id up
   * to `limit` (enough to tell "exactly one" from "several").
   */
  linked(tenantId: string, ref: CorrelationRef, limit?: number): Promise<LinkedPayment[]>;
  addPending(tenantId: string, ref: CorrelationRef, delivery: PendingDelivery): Promise<void>;
  pendingFor(tenantId: string, ref: CorrelationRef): Promise<PendingDelivery[]>;
  removePending(tenantId: string, ref: CorrelationRef, deliveryEventId: string): Promise<void>;
  /**
   * The entries at `keys`, in their order, strongly consistent, read together (one BatchGetItem
   * per 100 keys in DynamoDB): the payment a link names, the waiting delivery, or undefined where
   * there is none. What the correlator knows of a whole batch before it handles its records.
   */
  entries(
    keys: readonly CorrelationEntryKey[],
  ): Promise<(LinkedPayment | PendingDelivery | undefined)[]>;
}
