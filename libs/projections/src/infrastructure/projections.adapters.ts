import type { LedgerStorage } from '@ledger/event-store/aws';
import type { LivePaymentDocuments } from '../payment-view/live-payment-documents';
import type {
  GenerationDocuments,
  UnsettledPayments,
} from '../payment-view/payment-documents.port';
import type { ReadModelGenerations } from '../payment-view/read-model-generations.port';
import { DynamoDbPaymentDocuments } from './dynamodb-payment-documents';
import { DynamoDbReadModelGenerations } from './dynamodb-read-model-generations';
import { createLivePaymentDocuments, createLiveUnsettledPayments } from './live-documents.factory';

/** The payments read model's ports on DynamoDB. */
export interface ProjectionAdapters {
  /** The read model as queries and the projector see it (the live generation, and the one being built). */
  liveDocuments: () => LivePaymentDocuments;
  /** The live generation's unsettled payments (the sweeper's candidates). */
  unsettledPayments: () => UnsettledPayments;
  /**
   * The generation pointer a rebuild moves; `cacheMs` 0 reads it fresh every time (the CLI's
   * one-off commands), the default caches it as every process of a deployment does.
   */
  generations: (options?: { cacheMs?: number }) => ReadModelGenerations;
  /** The documents of one named generation, with the bulk write a rebuild needs. */
  documentsOf: (generation: string) => GenerationDocuments;
}

/**
 * The projections lib's DynamoDB adapters for one ledger storage: what composition roots call.
 * Each call builds a new adapter (with its own pointer cache), as each use had before.
 */
export function projectionAdapters(storage: LedgerStorage): ProjectionAdapters {
  const { dynamoDb, tables, paymentListShards } = storage;
  return {
    liveDocuments: () => createLivePaymentDocuments(dynamoDb, tables, paymentListShards),
    unsettledPayments: () => createLiveUnsettledPayments(dynamoDb, tables),
    generations: (options = {}) =>
      options.cacheMs === undefined
        ? new DynamoDbReadModelGenerations(dynamoDb, tables.meta)
        : new DynamoDbReadModelGenerations(dynamoDb, tables.meta, options.cacheMs),
    documentsOf: (generation) =>
      new DynamoDbPaymentDocuments(dynamoDb, tables.readModels, generation, paymentListShards),
  };
}
