import { UpcasterChain } from '@ledger/event-store';
import { createLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';
import { ledgerUpcasters } from '../ledger.upcasters';

/**
 * The ledger's storage for one engine and table prefix, reading every event in today's shape:
 * what each composition root (API, stream processor, CLI, replay worker) opens.
 */
export function openLedgerStorage(options: {
  endpoint?: string;
  tablePrefix: string;
}): LedgerStorage {
  return createLedgerStorage({
    endpoint: options.endpoint,
    tablePrefix: options.tablePrefix,
    upcasters: new UpcasterChain(ledgerUpcasters()),
  });
}
