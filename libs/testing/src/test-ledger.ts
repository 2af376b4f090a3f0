import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbEventStore,
  createDynamoDbClient,
  ledgerTables,
  tableDefinitions,
  type DynamoDbEventStoreOptions,
  type LedgerStorage,
  type LedgerTables,
} from '@ledger/event-store/aws';
import { ensureTables } from '@ledger/local-engine';

export interface TestLedger {
  client: DynamoDBClient;
  tables: LedgerTables;
  store: DynamoDbEventStore;
  prefix: string;
  /** The same client, tables and store as the storage composition roots take (their factories build adapters on it). */
  storage: LedgerStorage;
  close(): Promise<void>;
}

/** A unique table prefix, so each test file has tables of its own on the shared engine. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}-`;
}

/** Fresh ledger tables on the test engine (started by the int tier's global setup). */
export async function createTestLedger(
  label: string,
  storeOptions: Partial<DynamoDbEventStoreOptions> = {},
): Promise<TestLedger> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint === undefined) {
    throw new Error('DYNAMODB_ENDPOINT is not set: run integration tests with `npm run test:int`');
  }
  const client = createDynamoDbClient(endpoint);
  const prefix = uniquePrefix(label);
  const tables = ledgerTables(prefix);
  await ensureTables(client, tableDefinitions(tables));
  const store = new DynamoDbEventStore({ client, tables, ...storeOptions });
  return {
    client,
    tables,
    store,
    prefix,
    storage: { dynamoDb: client, tables, eventStore: store },
    close: () => Promise.resolve(client.destroy()),
  };
}
