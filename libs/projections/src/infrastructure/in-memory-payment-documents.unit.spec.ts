import { describePaymentDocumentsContract } from '../payment-view/payment-documents.contract';
import {
  InMemoryPaymentDocuments,
  type InMemoryReadModelTable,
} from './in-memory-payment-documents';

describePaymentDocumentsContract('in memory', () => {
  const table: InMemoryReadModelTable = new Map();
  return Promise.resolve({
    documentsOf: (generation) => new InMemoryPaymentDocuments(generation, table),
    close: () => Promise.resolve(),
  });
});
