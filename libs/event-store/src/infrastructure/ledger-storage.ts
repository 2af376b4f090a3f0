import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from './dynamodb-client';
import { DynamoDbEventStore } from './dynamodb-event-store';
import { ledgerTables, type LedgerTables } from './tables';
import type { UpcasterChain } from '../upcasting/upcaster';

export interface LedgerStorage {
  dynamoDb: DynamoDBClient;
  tables: LedgerTables;
  eventStore: DynamoDbEventStore;
  /** What the event store upcasts with; stream drivers decode records with the same chain. */
  upcasters?: UpcasterChain;
  /** Shards of each tenant's payment list in a new read-model generation (default 4). */
  paymentListShards?: number;
}

/** The storage adapters every process of the ledger shares, for one engine and set of tables. */
export function createLedgerStorage(options: {
  endpoint?: string;
  tablePrefix?: string;
  /** Names that override `<tablePrefix><name>` one by one (a deployed stack's). */
  tableNames?: Partial<LedgerTables>;
  clock?: () => Date;
  /** The upcasters of every event type the ledger writes; without them events read as stored. */
  upcasters?: UpcasterChain;
  /** Time-index shards of each new day (TIME_INDEX_SHARDS; default 8). */
  timeIndexShards?: number;
  /** Shards of each tenant's payment list in a new read-model generation (PAYMENT_LIST_SHARDS). */
  paymentListShards?: number;
}): LedgerStorage {
  const dynamoDb = createDynamoDbClient(options.endpoint);
  const tables = ledgerTables(options.tablePrefix, options.tableNames);
  return {
    dynamoDb,
    tables,
    eventStore: new DynamoDbEventStore({
      client: dynamoDb,
      tables,
      clock: options.clock,
      upcasters: options.upcasters,
      timeIndexShards: options.timeIndexShards,
    }),
    upcasters: options.upcasters,
    paymentListShards: options.paymentListShards,
  };
}
