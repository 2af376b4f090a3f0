/**
 * What this subscriber keeps per integration event it acts on. A consuming team's own model: it
 * copies only the fields it needs from the published contract.
 */
export interface Receipt {
  eventId: string;
  detailType: string;
  tenantId: string;
  paymentId: string;
  streamVersion: number;
  occurredAt: string;
  amount?: number;
  currency?: string;
  /** When this subscriber received it, and a counter that orders receipts of the same instant. */
  receivedAt: string;
  receivedSequence: number;
  /** True when the event came from a replay (`detail.replay`). */
  replay: boolean;
}

/** The integration events this subscriber is subscribed to (template.yaml's rule says the same). */
export const RECEIPT_EVENTS = ['payment.succeeded', 'payment.failed', 'refund.succeeded'] as const;
