import { type EventUpcaster, PAYMENT_UPCASTERS } from './payment/payment.upcasters';

/**
 * The upcasters of every event the ledger writes, for the event store and the stream drivers:
 * `createLedgerStorage({ upcasters: new UpcasterChain(ledgerUpcasters()) })`.
 */
export function ledgerUpcasters(): EventUpcaster[] {
  return [...PAYMENT_UPCASTERS];
}
