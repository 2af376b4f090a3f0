import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from './dynamodb-client';
import { DynamoDbEventStore } from './dynamodb-event-store';
import { ledgerTables, type LedgerTables } from './tables';

export interface LedgerStorage {
  dynamoDb: DynamoDBClient;
  tables: LedgerTables;
  eventStore: DynamoDbEventStore;
}

/** The storage adapters every process of the ledger shares, for one engine and table prefix. */
export function createLedgerStorage(options: {
  endpoint?: string;
  tablePrefix?: string;
  clock?: () => Date;
}): LedgerStorage {
  const dynamoDb = createDynamoDbClient(options.endpoint);
  const tables = ledgerTables(options.tablePrefix);
  return {
    dynamoDb,
    tables,
    eventStore: new DynamoDbEventStore({ client: dynamoDb, tables, clock: options.clock }),
  };
}
