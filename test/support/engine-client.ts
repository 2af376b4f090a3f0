import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createLedgerStorage, type LedgerStorage } from '@ledger/event-store/aws';

/** Storage on the engine a spawned ledger runs, for arranging and checking from a test. */
export function engineStorage(env: Record<string, string>): LedgerStorage {
  const endpoint = env.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${env.DYNAMODB_LOCAL_PORT}`;
  return createLedgerStorage({ endpoint, tablePrefix: env.TABLE_PREFIX });
}

/** Every item of the events table whose stream id contains `fragment` (a test-sized scan). */
export async function eventItems(
  storage: LedgerStorage,
  fragment: string,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, never> | undefined;
  do {
    const page = await storage.dynamoDb.send(
      new ScanCommand({
        TableName: storage.tables.events,
        FilterExpression: 'contains(pk, :f)',
        ExpressionAttributeValues: { ':f': { S: fragment } },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey !== undefined);
  return items;
}
