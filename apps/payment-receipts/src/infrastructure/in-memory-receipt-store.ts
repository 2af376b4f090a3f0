import type { Receipt } from '../receipt';
import type { ReceiptStore } from '../receipt-store.port';

/** The receipt store in memory, for unit tests of the handler. */
export class InMemoryReceiptStore implements ReceiptStore {
  private readonly receipts = new Map<string, Receipt>();

  addOnce(receipt: Receipt): Promise<boolean> {
    const key = `${receipt.tenantId}#${receipt.paymentId}#${receipt.eventId}`;
    if (this.receipts.has(key)) return Promise.resolve(false);
    this.receipts.set(key, receipt);
    return Promise.resolve(true);
  }

  forPayment(tenantId: string, paymentId: string): Promise<Receipt[]> {
    return Promise.resolve(
      [...this.receipts.values()]
        .filter((r) => r.tenantId === tenantId && r.paymentId === paymentId)
        .sort(
          (a, b) =>
            a.receivedAt.localeCompare(b.receivedAt) || a.receivedSequence - b.receivedSequence,
        ),
    );
  }
}
