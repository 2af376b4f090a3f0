import type { LedgerStorage } from './ledger-storage';

/** Releases the connections of a storage its opener no longer needs; it cannot be used after. */
export function closeLedgerStorage(storage: LedgerStorage): void {
  storage.dynamoDb.destroy();
}
