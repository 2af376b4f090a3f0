/** Something a delivery or a payment names that can tie the two together. */
export interface CorrelationRef {
  kind: 'payment' | 'order' | 'transaction';
  value: string;
}

/** A delivery that named a reference no payment had yet; linked once one does. */
export interface PendingDelivery {
  deliveryStreamId: string;
  deliveryEventId: string;
}

/**
 * Which payment an order id or gateway transaction id belongs to, and which deliveries wait for a
 * reference to become known. Derived from events; safe to rebuild.
 */
export interface CorrelationIndex {
  link(tenantId: string, ref: CorrelationRef, paymentId: string): Promise<void>;
  resolve(tenantId: string, ref: CorrelationRef): Promise<string | undefined>;
  addPending(tenantId: string, ref: CorrelationRef, delivery: PendingDelivery): Promise<void>;
  pendingFor(tenantId: string, ref: CorrelationRef): Promise<PendingDelivery[]>;
  removePending(tenantId: string, ref: CorrelationRef, deliveryEventId: string): Promise<void>;
}
