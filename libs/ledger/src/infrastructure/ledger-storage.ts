import { UpcasterChain } from '@ledger/event-store';
import {
  createLedgerStorage,
  type LedgerStorage,
  type LedgerTables,
} from '@ledger/event-store/aws';
import { ledgerUpcasters } from '../ledger.upcasters';

/** Where a process keeps the ledger: what `LedgerEnv` (@ledger/config) reads from its environment. */
export interface LedgerStorageSettings {
  /** DYNAMODB_ENDPOINT; unset means AWS. */
  dynamoDbEndpoint?: string;
  /** TABLE_PREFIX: `<prefix><name>` for each table not named in `tableNames`. */
  tablePrefix: string;
  /** EVENTS_TABLE and the others: table names that override `<tablePrefix><name>` one by one. */
  tableNames?: Partial<LedgerTables>;
  /** TIME_INDEX_SHARDS; default 8. */
  timeIndexShards?: number;
  /** PAYMENT_LIST_SHARDS; default 4. */
  paymentListShards?: number;
}

/**
 * The ledger's storage for one engine and set of tables, reading every event in today's shape:
 * what each composition root (API, stream processor, CLI, replay worker) opens. `endpoint`
 * overrides the settings' own (the local stack's engine, the CLI's choice).
 */
export function openLedgerStorage(
  settings: LedgerStorageSettings,
  endpoint: string | undefined = settings.dynamoDbEndpoint,
): LedgerStorage {
  return createLedgerStorage({
    endpoint,
    tablePrefix: settings.tablePrefix,
    timeIndexShards: settings.timeIndexShards,
    paymentListShards: settings.paymentListShards,
    tableNames: settings.tableNames,
    upcasters: new UpcasterChain(ledgerUpcasters()),
  });
}
