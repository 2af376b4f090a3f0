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
    }),
    upcasters: options.upcasters,
  };
}
