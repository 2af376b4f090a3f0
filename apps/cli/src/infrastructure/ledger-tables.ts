import { tableDefinitions, type LedgerStorage } from '@ledger/event-store/aws';
import { ensureTables } from '@ledger/local-engine';

/** Creates the ledger's tables (with their streams) on the storage's engine where missing. */
export async function ensureLedgerTables(storage: LedgerStorage): Promise<void> {
  await ensureTables(storage.dynamoDb, tableDefinitions(storage.tables));
}
