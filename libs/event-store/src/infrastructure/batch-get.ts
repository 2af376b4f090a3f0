import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '@ledger/errors';
import { setTimeout as sleep } from 'node:timers/promises';

/** DynamoDB's limit of keys in one BatchGetItem. */
export const BATCH_GET_KEYS = 100;
const BATCH_GET_ATTEMPTS = 8;

type Item = Record<string, unknown>;

/**
 * The items at `keys` (each `{ pk, sk }`), in the order of `keys`, undefined where none is
 * stored: BatchGetItem, 100 keys a request, the requests at once; what DynamoDB leaves
 * unprocessed (throttling) is asked again after a growing pause, up to 8 times. What an index
 * listed is read eventually consistent first (half the read units), and only the keys that read
 * missed are read again strongly consistent: an index entry can be newer than a replica. A key
 * given twice is read once (BatchGetItem refuses duplicates) and answered at both places.
 */
export async function batchGetInOrder(
  documents: DynamoDBDocumentClient,
  table: string,
  keys: readonly { pk: unknown; sk: unknown }[],
  /** `true`: every key read strongly consistent at once (a writer about to write on what it read). */
  consistent = false,
): Promise<(Item | undefined)[]> {
  const idOf = (key: { pk: unknown; sk: unknown }): string =>
    `${String(key.pk)}\u0000${String(key.sk)}`;
  const unique = [...new Map(keys.map((key) => [idOf(key), key])).values()];
  const found = new Map<string, Item>();
  await readAll(documents, table, unique, consistent, (item) =>
    found.set(idOf(item as never), item),
  );
  if (consistent) return keys.map((key) => found.get(idOf(key)));
  const missed = unique.filter((key) => !found.has(idOf(key)));
  if (missed.length > 0) {
    await readAll(documents, table, missed, true, (item) => found.set(idOf(item as never), item));
  }
  return keys.map((key) => found.get(idOf(key)));
}

async function readAll(
  documents: DynamoDBDocumentClient,
  table: string,
  keys: readonly { pk: unknown; sk: unknown }[],
  consistent: boolean,
  onItem: (item: Item) => void,
): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
    batches.push(keys.slice(i, i + BATCH_GET_KEYS).map(({ pk, sk }) => ({ pk, sk })));
  }
  await Promise.all(
    batches.map(async (batch) => {
      let pending = batch;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === BATCH_GET_ATTEMPTS) {
          throw new StoreUnavailableError(
            `${pending.length} items of ${table} stayed unprocessed after ${attempt} batch reads`,
          );
        }
        if (attempt > 0) await sleep(Math.min(1_000, 25 * 2 ** attempt) * Math.random());
        const output = await documents.send(
          new BatchGetCommand({
            RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent } },
          }),
        );
        for (const item of output.Responses?.[table] ?? []) onItem(item);
        pending = output.UnprocessedKeys?.[table]?.Keys ?? [];
      }
    }),
  );
}
