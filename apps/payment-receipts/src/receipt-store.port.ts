import type { Receipt } from './receipt';

/** Where the subscriber keeps its receipts; adding one is its whole deduplication. */
export interface ReceiptStore {
  /** True when the receipt was new, false for a duplicate delivery (same event id). */
  addOnce(receipt: Receipt): Promise<boolean>;
  /** A payment's receipts in the order they were received. */
  forPayment(tenantId: string, paymentId: string): Promise<Receipt[]>;
}
