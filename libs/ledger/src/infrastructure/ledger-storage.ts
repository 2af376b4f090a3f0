import { UpcasterChain } from '@ledger/event-store';
import {
  createLedgerStorage,
  type LedgerStorage,
  type LedgerTables,
} from '@ledger/event-store/aws';
import { ledgerUpcasters } from '../ledger.upcasters';

/**
 * The ledger's storage for one engine and set of tables, reading every event in today's shape:
 * what each composition root (API, stream processor, CLI, replay worker) opens.
 */
export function openLedgerStorage(options: {
  endpoint?: string;
  tablePrefix: string;
  /** TIME_INDEX_SHARDS (`LedgerEnv.timeIndexShards`); default 8. */
  timeIndexShards?: number;
  /** PAYMENT_LIST_SHARDS (`LedgerEnv.paymentListShards`); default 4. */
  paymentListShards?: number;
  /** Table names that override `<tablePrefix><name>` one by one (LedgerEnv's `tableNames`). */
  tableNames?: Partial<LedgerTables>;
}): LedgerStorage {
  return createLedgerStorage({
    endpoint: options.endpoint,
    tablePrefix: options.tablePrefix,
    timeIndexShards: options.timeIndexShards,
    paymentListShards: options.paymentListShards,
    tableNames: options.tableNames,
    upcasters: new UpcasterChain(ledgerUpcasters()),
  });
}
