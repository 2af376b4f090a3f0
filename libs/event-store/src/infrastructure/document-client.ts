import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { translateStoreError } from './dynamodb-errors';

/**
 * One marshalling for every adapter: the document client keeps these on the client's shared
 * configuration, so two sets of options on one client would overwrite each other. Each option
 * only lets through what the hand-written shapes stored before and plain `marshall` refused
 * (undefined members, maps with a `constructor` key, numbers already past 2^53); whatever was
 * stored before is stored in the same shape. Numbers read back as numbers, as before.
 */
const TRANSLATE_CONFIG: TranslateConfig = {
  marshallOptions: {
    removeUndefinedValues: true,
    convertEmptyValues: false,
    convertClassInstanceToMap: true,
    allowImpreciseNumbers: true,
  },
  unmarshallOptions: { wrapNumbers: false },
};

const STORE_ERRORS_MIDDLEWARE = 'ledgerStoreErrors';
const documentClients = new WeakMap<DynamoDBClient, DynamoDBDocumentClient>();

/**
 * The document client the ledger's adapters share over `client`, built once per client. It also
 * adds, once, the one translation of store errors: a middleware outside the SDK's retries that
 * rethrows "the store cannot be reached" as `StoreUnavailableError`. The document client shares
 * its middleware stack with `client`, so commands sent on `client` itself (the event store's
 * pre-marshalled event items) are translated as well; every other error passes unchanged.
 */
export function documentClientFor(client: DynamoDBClient): DynamoDBDocumentClient {
  let documents = documentClients.get(client);
  if (documents === undefined) {
    documents = DynamoDBDocumentClient.from(client, TRANSLATE_CONFIG);
    documents.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          return translateStoreError(error);
        }
      },
      { step: 'initialize', priority: 'high', name: STORE_ERRORS_MIDDLEWARE, override: true },
    );
    documentClients.set(client, documents);
  }
  return documents;
}
