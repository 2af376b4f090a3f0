import { parsePaymentStreamId, paymentStreamId } from '@ledger/ledger';
import {
  catchUp,
  evolvePaymentDocument,
  type GenerationDocuments,
  type PaymentDocument,
  type PaymentDocuments,
  type ReadModelGenerations,
} from '@ledger/projections';
import type {
  ProjectionDocuments,
  ProjectionFold,
  RebuildableProjection,
} from './rebuildable-projection';

/** The payments projection's fold: payment streams, folded with its own `evolve`. */
export const paymentViewFold: ProjectionFold<PaymentDocument> = {
  streamOf(streamId) {
    const ids = parsePaymentStreamId(streamId);
    return ids === undefined ? undefined : { tenantId: ids.tenantId, id: ids.paymentId };
  },
  streamIdOf: paymentStreamId,
  evolve: evolvePaymentDocument,
  catchUp,
};

/** Payment documents addressed by their stream, as a rebuild addresses them. */
export function paymentDocumentsByStream(
  documents: PaymentDocuments,
): Pick<ProjectionDocuments<PaymentDocument>, 'get' | 'put'> {
  return {
    get(streamId) {
      const ids = parsePaymentStreamId(streamId);
      return ids === undefined
        ? Promise.resolve(undefined)
        : documents.get(ids.tenantId, ids.paymentId);
    },
    put: (document, expectedVersion) => documents.put(document, expectedVersion),
  };
}

/** The payments read model as a rebuild sees it: its fold, its generations, their documents. */
export function paymentViewRebuild(
  generations: ReadModelGenerations,
  documentsOf: (generation: string) => GenerationDocuments,
): RebuildableProjection<PaymentDocument> {
  return {
    ...paymentViewFold,
    generations,
    documentsOf(generation) {
      const documents = documentsOf(generation);
      return {
        ...paymentDocumentsByStream(documents),
        overwriteMany: (many) => documents.overwriteMany(many),
      };
    },
  };
}
