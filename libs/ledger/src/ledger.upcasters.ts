import { type EventUpcaster, PAYMENT_UPCASTERS } from './payment/payment.upcasters';

/**
 * The upcasters of every event the ledger writes, for the event store and the stream drivers:
 * `openLedgerStorage` (infrastructure/ledger-storage.ts).
 */
export function ledgerUpcasters(): EventUpcaster[] {
  return [...PAYMENT_UPCASTERS];
}
